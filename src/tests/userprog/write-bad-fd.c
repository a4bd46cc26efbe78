/* write to descriptors that were never opened returns -1 or kills the process. */
#include "tests/lib.h"

const char *test_name = "write-bad-fd";

void test_main(void)
{
  CHECK(write(99, "abc", 3) == -1, "write to fd 99 returns -1");
  CHECK(write(-5, "abc", 3) == -1, "write to fd -5 returns -1");
}
