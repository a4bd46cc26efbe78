/* Helper: `child-exit N` prints one line and exits with status N (default 0). */
#include "lib/stdlib.h"
#include "tests/lib.h"

const char *test_name = "child-exit";

int main(int argc, char **argv)
{
  int status = argc > 1 ? atoi(argv[1]) : 0;
  msg("exiting with %d", status);
  return status;
}
