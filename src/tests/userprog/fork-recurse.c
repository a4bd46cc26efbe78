/* Twelve generations created by fork alone: each waits for its child and exits with the
   child's status plus one, so the parent gets 12. */
#include "tests/lib.h"

const char *test_name = "fork-recurse";

void test_main(void)
{
  int depth = 0;
  char name[16];
  while (depth < 12) {
    snprintf(name, sizeof name, "gen-%d", depth + 1);
    pid_t pid = fork(name);
    REQUIRE(pid >= 0, "fork at depth %d failed", depth);
    if (pid != 0) {
      int s = wait(pid);
      if (depth == 0) {
        CHECK(s == 12, "first child reports 12 generations");
        return;
      }
      exit(s + 1);
    }
    depth++;
  }
  exit(1);
}
