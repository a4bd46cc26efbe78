/* Four processes each write and verify their own 1 MiB array at the same time (exec'd
   child-linear). Exit lines are not compared: the children end in no fixed order. */
#include "tests/vm/vm-util.h"

const char *test_name = "page-parallel";

void test_main(void)
{
  pid_t pids[4];
  char cmd[32];
  for (int i = 0; i < 4; i++) {
    snprintf(cmd, sizeof cmd, "child-linear %d", 10 + i);
    pids[i] = spawn("linear", cmd);
  }
  for (int i = 0; i < 4; i++)
    CHECK(wait(pids[i]) == 10 + i, "child %d verified its memory", i);
}
