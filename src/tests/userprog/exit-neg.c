/* A negative exit status is reported as it was given. */
#include "tests/lib.h"

const char *test_name = "exit-neg";

void test_main(void)
{
  exit(-12345);
  fail("exit returned");
}
