/* A read-only mapping of a 6000-byte file shows the file's bytes, zeros for the rest of
   its last page, and goes away with munmap (the pages are then not present). */
#include "tests/vm/vm-util.h"

const char *test_name = "mmap-read";

#define MAP_AT ((void *)0x10000000)

static char data[6000];

void test_main(void)
{
  fill_random(data, sizeof data, 6);
  create_file("mapped", 0);
  int fd = open_file("mapped");
  write_all(fd, data, sizeof data, 0);
  char *m = mmap(MAP_AT, sizeof data, 0, fd, 0);
  CHECK(m == MAP_AT, "mmap returned the requested address");
  compare_bytes(m, data, sizeof data, "mapping");
  for (size_t i = sizeof data; i < 2 * PAGE_SIZE; i++)
    REQUIRE(m[i] == 0, "byte %zu past the end of the file is %d", i, m[i]);
  msg("mapping matches the file, zeros after its end");
  munmap(m);
  CHECK(pages_present(MAP_AT, 2 * PAGE_SIZE) == 0, "unmapped pages are not present");
  close(fd);
}
