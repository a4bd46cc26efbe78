/* A process can wait only for its own children, not for a grandchild. The middle process
   passes the grandchild's pid up through a file (an exit status would print the pid). */
#include "tests/lib.h"

const char *test_name = "wait-grandkid";

void test_main(void)
{
  create_file("gpid", sizeof(pid_t));
  pid_t pid = fork("middle");
  if (pid == 0) {
    pid_t g = fork("grandkid");
    if (g == 0)
      exit(2);
    REQUIRE(wait(g) == 2, "middle's wait for the grandchild");
    int fd = open("gpid");
    REQUIRE(fd > 1 && write(fd, &g, sizeof g) == sizeof g, "middle could not record the pid");
    exit(0);
  }
  CHECK(wait(pid) == 0, "middle exited with 0");
  pid_t g = 0;
  int fd = open_file("gpid");
  read_all(fd, &g, sizeof g, 0);
  close(fd);
  CHECK(g > 0 && g != pid, "middle recorded the grandchild's pid");
  CHECK(wait(g) == -1, "waiting for the grandchild returns -1");
}
