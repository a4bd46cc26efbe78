/* exec passes the new command line's words, split on runs of spaces. */
#include "tests/lib.h"

const char *test_name = "exec-args";

void test_main(void)
{
  pid_t pid = spawn("arg-kid", "child-args  first   second third");
  CHECK(wait(pid) == 4, "child saw 4 arguments");
}
