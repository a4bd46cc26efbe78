/* A child can be waited for only once; the second wait returns -1. */
#include "tests/lib.h"

const char *test_name = "wait-twice";

void test_main(void)
{
  pid_t pid = fork("once-kid");
  if (pid == 0)
    exit(14);
  CHECK(wait(pid) == 14, "first wait returned 14");
  CHECK(wait(pid) == -1, "second wait returned -1");
}
