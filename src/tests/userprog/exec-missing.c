/* exec of a program that does not exist ends the caller with exit(-1): exec never returns
   (ABI 1). Once in a child, whose parent sees status -1, then in the test process itself. */
#include "tests/lib.h"

const char *test_name = "exec-missing";

void test_main(void)
{
  pid_t pid = fork("exec-kid");
  if (pid == 0) {
    exec("still-missing");
    exit(10);
  }
  CHECK(wait(pid) == -1, "exec of a missing program in a child ends it with -1");
  msg("exec of a missing program here");
  exec("no-such-prog arg");
  fail("exec of a missing program returned");
}
