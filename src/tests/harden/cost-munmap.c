/* munmap costs the same whichever of 2,000 mappings it removes: the first, one in the
   middle and the last mapped cost within a factor of two (plus a small constant) of each
   other. With an argument `v` the cycle counts are printed. */
#include "tests/lib.h"
#include "tests/harden/cost.h"

const char *test_name = "cost-munmap";

#define MANY      2000
#define MANY_BASE 0x1000000000ULL
#define MANY_STEP (2 * 4096ULL)

static void *many_addr(int i) { return (void *)(MANY_BASE + (uint64_t)i * MANY_STEP); }

static uint64_t many_unmap(int i)
{
  uint64_t t0 = cost_rdtsc();
  munmap(many_addr(i));
  return cost_rdtsc() - t0;
}

void test_main(void)
{
  create_file("page", 4096);
  int fd = open_file("page");
  for (int i = 0; i < MANY; i++)
    REQUIRE(mmap(many_addr(i), 4096, 0, fd, 0) == many_addr(i), "mmap %d", i);
  msg("%d mappings made", MANY);
  uint64_t c[3] = {many_unmap(0), many_unmap(MANY / 2), many_unmap(MANY - 1)};
  uint64_t lo = c[0], hi = c[0];
  for (int i = 1; i < 3; i++) {
    lo = c[i] < lo ? c[i] : lo;
    hi = c[i] > hi ? c[i] : hi;
  }
  if (test_argc > 1)
    msg("cycles: munmap first %llu, middle %llu, last %llu", (unsigned long long)c[0],
        (unsigned long long)c[1], (unsigned long long)c[2]);
  CHECK(hi <= 2 * lo + 2000, "munmap of the first, middle and last mapping cost the same");
  for (int i = 1; i < MANY - 1; i++)
    if (i != MANY / 2)
      munmap(many_addr(i));
  close(fd);
}
