/* A read whose buffer straddles a page boundary (the second page not yet touched) gets
   all the data. */
#include "tests/lib.h"

const char *test_name = "read-bound";

static char pages[3 * 4096] __attribute__((aligned(4096)));

void test_main(void)
{
  static char data[1000];
  fill_random(data, sizeof data, 99);
  create_file("rbound", 0);
  int fd = open_file("rbound");
  write_all(fd, data, sizeof data, 0);
  seek(fd, 0);
  char *buf = pages + 2 * 4096 - 500;
  CHECK(read(fd, buf, 1000) == 1000, "read 1000 bytes across a page boundary");
  compare_bytes(buf, data, sizeof data, "data read across pages");
  msg("data matches");
  close(fd);
}
