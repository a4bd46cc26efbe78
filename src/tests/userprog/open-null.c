/* open(NULL) kills the process. */
#include "tests/lib.h"

const char *test_name = "open-null";

void test_main(void)
{
  msg("open(NULL)");
  open(NULL);
  fail("survived open(NULL)");
}
