/* A file name whose bytes run without a terminator up to the end of the stack, into
   unmapped memory, kills the process. */
#include "tests/lib.h"
#include "tests/userprog/bad-ptrs.h"

const char *test_name = "create-bound2";

void test_main(void)
{
  char *name = STACK_TOP - 6; /* overwrites the tail of the argument strings */
  memcpy(name, "abcdef", 6);
  msg("create with an unterminated name at the stack top");
  create(name, 0);
  fail("survived an unterminated name");
}
