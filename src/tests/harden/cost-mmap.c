/* mmap answers in time independent of the length: mapping 4 kB, 1 GB and 400 GB of a
   one-page file costs about the same (each measured twice, the second time counted), the
   far end of the 400 GB mapping reads as zeros, and munmap of it is as cheap. With an
   argument `v` the cycle counts are printed. */
#include "tests/lib.h"
#include "tests/harden/cost.h"

const char *test_name = "cost-mmap";

#define COST_BASE 0x1000000000ULL

/* Cycles of mmap of LEN bytes of FD at COST_BASE (second of two runs), and of its munmap
   in *UNMAP. */
static uint64_t cost_map(int fd, uint64_t len, uint64_t *unmap)
{
  uint64_t t[4] = {0, 0, 0, 0};
  for (int round = 0; round < 2; round++) {
    t[0] = cost_rdtsc();
    void *p = mmap((void *)COST_BASE, len, 0, fd, 0);
    t[1] = cost_rdtsc();
    REQUIRE(p == (void *)COST_BASE, "mmap of %llu bytes", (unsigned long long)len);
    t[2] = cost_rdtsc();
    munmap(p);
    t[3] = cost_rdtsc();
  }
  *unmap = t[3] - t[2];
  return t[1] - t[0];
}

void test_main(void)
{
  bool verbose = test_argc > 1;
  create_file("page", 0);
  int fd = open_file("page");
  write_all(fd, "far", 3, 0);
  uint64_t u_small, u_gb, u_huge;
  uint64_t small = cost_map(fd, 4096, &u_small);
  uint64_t gb = cost_map(fd, 1ULL << 30, &u_gb);
  uint64_t huge = cost_map(fd, 400ULL << 30, &u_huge);
  if (verbose)
    msg("cycles: mmap 4 kB %llu, 1 GB %llu, 400 GB %llu; munmap %llu, %llu, %llu",
        (unsigned long long)small, (unsigned long long)gb, (unsigned long long)huge,
        (unsigned long long)u_small, (unsigned long long)u_gb, (unsigned long long)u_huge);
  CHECK(huge <= 2 * small + 2000, "mmap of 400 GB costs about what mmap of 4 kB costs");
  CHECK(u_huge <= 2 * u_small + 2000, "munmap of 400 GB costs about what munmap of 4 kB costs");
  char *p = mmap((void *)COST_BASE, 400ULL << 30, 0, fd, 0);
  CHECK(p != NULL && p[0] == 'f' && p[(400ULL << 30) - 1] == 0,
        "first byte from the file, last one zero");
  munmap(p);
  close(fd);
}
