/* A chain of seven exec'd generations (child-rec), each waiting for the next. */
#include "tests/lib.h"

const char *test_name = "exec-recurse";

void test_main(void)
{
  CHECK(wait(spawn("rec-7", "child-rec 7")) == 7, "chain of 7 generations returned 7");
}
