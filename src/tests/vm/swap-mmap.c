/* A 1 MiB file (twice the 128-page user pool) is mapped, every page modified, and
   unmapped; dirty pages evicted meanwhile are written back to the file. Then read()
   brings the file back into a buffer as large (itself paged out and in while read copies
   into it) and every byte is checked. */
#include "tests/vm/vm-util.h"

const char *test_name = "swap-mmap";

#define PAGES 256
#define SIZE  (PAGES * PAGE_SIZE)
#define MAP   ((uint8_t *)0x10000000)

static uint8_t buf[SIZE] __attribute__((aligned(PAGE_SIZE)));

void test_main(void)
{
  create_file("big", SIZE);
  int fd = open_file("big");
  CHECK(mmap(MAP, SIZE, 1, fd, 0) == MAP, "mmap 1 MiB");
  for (size_t p = 0; p < PAGES; p++)
    for (size_t i = 0; i < PAGE_SIZE; i += 64)
      MAP[p * PAGE_SIZE + i] = vm_pattern(p, i, 3);
  munmap(MAP);
  msg("wrote every page of the mapping and unmapped it");
  seek(fd, 0);
  read_all(fd, buf, SIZE, 0);
  for (size_t p = 0; p < PAGES; p++)
    for (size_t i = 0; i < PAGE_SIZE; i++)
      REQUIRE(buf[p * PAGE_SIZE + i] == (i % 64 == 0 ? vm_pattern(p, i, 3) : 0),
              "file byte %zu wrong", p * PAGE_SIZE + i);
  msg("read back every byte through read()");
  close(fd);
}
