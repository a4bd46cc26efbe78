/* Helper: `child-rec N` runs `child-rec N-1` in a child (fork + exec, child name "rec-N")
   and waits for it, down to 0; each level exits with 1 + its child's status, so the top
   one exits with N. */
#include "lib/stdlib.h"
#include "tests/lib.h"

const char *test_name = "child-rec";

int main(int argc, char **argv)
{
  int depth = argc > 1 ? atoi(argv[1]) : 0;
  if (depth <= 0)
    return 0;
  char cmd[32], name[16];
  snprintf(cmd, sizeof cmd, "child-rec %d", depth - 1);
  snprintf(name, sizeof name, "rec-%d", depth - 1);
  int status = wait(spawn(name, cmd));
  return status < 0 ? -1 : status + 1;
}
