/* wait on pids that are not children returns -1. */
#include "tests/lib.h"

const char *test_name = "wait-bad-pid";

void test_main(void)
{
  CHECK(wait(-1) == -1, "wait(-1) returned -1");
  CHECK(wait(0) == -1, "wait(0) returned -1");
  CHECK(wait(0x7654321) == -1, "wait(0x7654321) returned -1");
}
