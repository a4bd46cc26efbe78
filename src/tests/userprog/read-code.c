/* read into the program's own (read-only) code kills the process. */
#include "tests/lib.h"

const char *test_name = "read-code";

void test_main(void)
{
  create_file("rc", 64);
  int fd = open_file("rc");
  read(fd, (void *)test_main, 64);
  fail("survived read into code");
}
