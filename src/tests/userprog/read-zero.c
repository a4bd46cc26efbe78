/* A zero-byte read returns 0 and does not touch the buffer. */
#include "tests/lib.h"

const char *test_name = "read-zero";

void test_main(void)
{
  char c = 'k';
  create_file("zread", 10);
  int fd = open_file("zread");
  CHECK(read(fd, &c, 0) == 0, "read of 0 bytes returns 0");
  CHECK(c == 'k', "buffer untouched");
  CHECK(tell(fd) == 0, "position still 0");
  close(fd);
}
