/* Twenty children one after the other, each exiting with its own number; then eight
   running at once, collected afterwards in reverse order (exit lines are not compared:
   the order in which the concurrent children end is not fixed). */
#include "tests/lib.h"

const char *test_name = "fork-many";

void test_main(void)
{
  for (int i = 0; i < 20; i++) {
    pid_t pid = fork("serial-kid");
    if (pid == 0)
      exit(100 + i);
    REQUIRE(pid > 0, "fork %d failed", i);
    REQUIRE(wait(pid) == 100 + i, "serial child %d has the wrong status", i);
  }
  msg("20 serial children gave the right statuses");
  pid_t pids[8];
  for (int i = 0; i < 8; i++) {
    pids[i] = fork("par-kid");
    if (pids[i] == 0)
      exit(i * 3);
    REQUIRE(pids[i] > 0, "parallel fork %d failed", i);
  }
  for (int i = 7; i >= 0; i--)
    REQUIRE(wait(pids[i]) == i * 3, "parallel child %d has the wrong status", i);
  msg("8 parallel children gave the right statuses");
}
