/* Writes through a writable mapping reach the file: after munmap, read() sees them, and
   the file's size is unchanged. */
#include "tests/vm/vm-util.h"

const char *test_name = "mmap-write";

#define MAP_AT ((void *)0x10000000)
#define LEN    (3 * PAGE_SIZE)

static char data[LEN], got[LEN];

void test_main(void)
{
  fill_random(data, sizeof data, 7);
  create_file("target", LEN);
  int fd = open_file("target");
  char *m = mmap(MAP_AT, LEN, 1, fd, 0);
  CHECK(m == MAP_AT, "mmap returned the requested address");
  memcpy(m, data, LEN);
  munmap(m);
  seek(fd, 0);
  read_all(fd, got, LEN, 0);
  compare_bytes(got, data, LEN, "file after munmap");
  CHECK(filesize(fd) == LEN, "file written back through the mapping, size unchanged");
  close(fd);
}
