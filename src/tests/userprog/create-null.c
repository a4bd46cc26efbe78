/* create(NULL) kills the process. */
#include "tests/lib.h"

const char *test_name = "create-null";

void test_main(void)
{
  msg("create(NULL)");
  create(NULL, 0);
  fail("survived create(NULL)");
}
