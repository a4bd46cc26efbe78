/* exec replaces the calling process in place: same process (the parent's wait sees the
   new program's status) and same name; the old image's memory is gone. */
#include "lib/stdlib.h"
#include "tests/lib.h"

const char *test_name = "exec-self";

int main(int argc, char **argv)
{
  if (argc > 1) {
    msg("second image, argument %s", argv[1]);
    return atoi(argv[1]);
  }
  msg("first image");
  pid_t pid = fork("execer");
  if (pid == 0) {
    exec("exec-self 61");
    fail("exec failed");
  }
  CHECK(wait(pid) == 61, "wait returned 61");
  return 0;
}
