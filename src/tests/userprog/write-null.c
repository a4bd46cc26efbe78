/* write from NULL kills the process, also to the console. */
#include "tests/lib.h"

const char *test_name = "write-null";

void test_main(void)
{
  write(1, NULL, 10);
  fail("survived write from NULL");
}
