/* A child forks a grandchild and reports the grandchild's status plus its own. */
#include "tests/lib.h"

const char *test_name = "fork-nested";

void test_main(void)
{
  pid_t pid = fork("middle");
  if (pid == 0) {
    pid_t g = fork("grandkid");
    if (g == 0)
      exit(3);
    int s = wait(g);
    msg("middle got %d from the grandchild", s);
    exit(30 + s);
  }
  CHECK(wait(pid) == 33, "parent got 33");
}
