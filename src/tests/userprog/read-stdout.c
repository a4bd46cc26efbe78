/* Reading from stdout (fd 1) returns -1 or kills the process. */
#include "tests/lib.h"

const char *test_name = "read-stdout";

void test_main(void)
{
  char buf[8];
  CHECK(read(1, buf, sizeof buf) == -1, "read from fd 1 returns -1");
}
