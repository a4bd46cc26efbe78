/* exec of a program that does not exist returns -1 to the caller, which goes on running
   (once directly, once in a child). */
#include "tests/lib.h"

const char *test_name = "exec-missing";

void test_main(void)
{
  CHECK(exec("no-such-prog arg") == -1, "exec of a missing program returns -1");
  pid_t pid = fork("exec-kid");
  if (pid == 0)
    exit(exec("still-missing") == -1 ? 9 : 10);
  CHECK(wait(pid) == 9, "exec in a child returned -1 too");
}
