/* A process can wait only for its own children, not for a grandchild. */
#include "tests/lib.h"

const char *test_name = "wait-grandkid";

void test_main(void)
{
  pid_t pid = fork("middle");
  if (pid == 0) {
    pid_t g = fork("grandkid");
    if (g == 0)
      exit(2);
    REQUIRE(wait(g) == 2, "middle's wait for the grandchild");
    exit(g);
  }
  pid_t g = wait(pid);
  CHECK(g > 0, "middle reported the grandchild's pid");
  CHECK(wait(g) == -1, "waiting for the grandchild returns -1");
}
