/* read into NULL kills the process. */
#include "tests/lib.h"

const char *test_name = "read-null";

void test_main(void)
{
  create_file("rn", 100);
  int fd = open_file("rn");
  read(fd, NULL, 100);
  fail("survived read into NULL");
}
