/* A write whose length runs far past the end of the caller's memory kills the process. */
#include "tests/lib.h"

const char *test_name = "write-huge";

void test_main(void)
{
  static char small[16];
  create_file("huge", 0);
  int fd = open_file("huge");
  write(fd, small, 0xfffffff0u);
  fail("survived a write of 4 GB from a 16-byte buffer");
}
