/* mmap until failure: 1 GB mappings of a one-page file at consecutive addresses until
   mmap returns NULL (address space or kernel memory used up); after unmapping them all,
   a second round maps exactly as many (nothing leaked), and the first mapping's page
   reads the file. */
#include "tests/lib.h"

const char *test_name = "mmap-exhaust";

#define EXHAUST_CHUNK (1ULL << 30)
#define EXHAUST_BASE  0x1000000000ULL
#define EXHAUST_MAX   8192

/* Maps chunks of FD until mmap fails; returns how many it got. */
static int exhaust_round(int fd)
{
  int n = 0;
  while (n < EXHAUST_MAX &&
         mmap((void *)(EXHAUST_BASE + n * EXHAUST_CHUNK), EXHAUST_CHUNK, 0, fd, 0) != NULL)
    n++;
  return n;
}

static void exhaust_unmap(int n)
{
  for (int i = 0; i < n; i++)
    munmap((void *)(EXHAUST_BASE + i * EXHAUST_CHUNK));
}

void test_main(void)
{
  create_file("one", 0);
  int fd = open_file("one");
  write_all(fd, "mapped!", 7, 0);
  int first = exhaust_round(fd);
  CHECK(first < EXHAUST_MAX, "mmap eventually fails");
  CHECK(first == 0 || memcmp((void *)EXHAUST_BASE, "mapped!", 7) == 0,
        "the first mapping reads the file");
  exhaust_unmap(first);
  int second = exhaust_round(fd);
  CHECK(second == first, "after munmap of all, a second round maps as many");
  exhaust_unmap(second);
  close(fd);
}
