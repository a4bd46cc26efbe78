/* A forked child execs another program; wait returns that program's status, and the exit
   line carries the fork name (exec does not rename the process). */
#include "tests/lib.h"

const char *test_name = "exec-once";

void test_main(void)
{
  pid_t pid = spawn("runner", "child-exit 42");
  CHECK(wait(pid) == 42, "wait returned 42");
}
