/* Helper: prints each argument on its own line and exits with argc. */
#include "tests/lib.h"

const char *test_name = "child-args";

int main(int argc, char **argv)
{
  for (int i = 0; i < argc; i++)
    msg("argv[%d] = \"%s\"", i, argv[i]);
  if (argv[argc] != NULL)
    fail("argv[argc] is not null");
  return argc;
}
