/* mmap refuses (returns NULL, the process goes on) address 0, an unaligned address, a
   zero length, the console descriptors, an unopened descriptor, an unaligned offset, a
   range overlapping the program or another mapping, and kernel addresses. */
#include "tests/vm/vm-util.h"

const char *test_name = "mmap-bad";

void test_main(void)
{
  create_file("victim", 2 * PAGE_SIZE);
  int fd = open_file("victim");
  CHECK(mmap(NULL, 100, 0, fd, 0) == NULL, "address 0 refused");
  CHECK(mmap((void *)0x10000123, 100, 0, fd, 0) == NULL, "unaligned address refused");
  CHECK(mmap((void *)0x10000000, 0, 0, fd, 0) == NULL, "zero length refused");
  CHECK(mmap((void *)0x10000000, 100, 0, 0, 0) == NULL, "stdin refused");
  CHECK(mmap((void *)0x10000000, 100, 0, 1, 0) == NULL, "stdout refused");
  CHECK(mmap((void *)0x10000000, 100, 0, 99, 0) == NULL, "unopened fd refused");
  CHECK(mmap((void *)0x10000000, 100, 0, fd, 100) == NULL, "unaligned offset refused");
  CHECK(mmap((void *)0x400000, 100, 0, fd, 0) == NULL, "mapping over the program refused");
  CHECK(mmap((void *)0x8004000000ULL, 100, 0, fd, 0) == NULL, "kernel address refused");
  CHECK(mmap((void *)(0x8004000000ULL - PAGE_SIZE), 2 * PAGE_SIZE, 0, fd, 0) == NULL,
        "range running into the kernel refused");
  void *m = mmap((void *)0x10000000, 2 * PAGE_SIZE, 0, fd, 0);
  CHECK(m == (void *)0x10000000, "a good mapping works");
  CHECK(mmap((void *)0x10001000, 100, 0, fd, 0) == NULL, "overlapping mapping refused");
  munmap(m);
  close(fd);
}
