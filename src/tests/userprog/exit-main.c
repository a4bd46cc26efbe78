/* The value main() returns becomes the exit status (_start calls exit(main(...))).
   Defines its own main instead of lib.c's. */
#include "tests/lib.h"

const char *test_name = "exit-main";

int main(int argc, char **argv)
{
  msg("returning %d from main", 23 + argc);
  return 23 + argc;
}
