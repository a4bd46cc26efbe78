/* fork returns 0 in the child and the child's pid in the parent; wait returns the
   child's exit status. The child gets the name given to fork. */
#include "tests/lib.h"

const char *test_name = "fork-once";

void test_main(void)
{
  pid_t pid = fork("fork-kid");
  if (pid == 0) {
    msg("child running");
    exit(81);
  }
  int status = wait(pid); /* nothing printed before: the child's lines come first */
  CHECK(pid > 0, "fork returned a pid");
  CHECK(status == 81, "wait returned 81");
}
