/* A write whose buffer runs past the top of the stack into unmapped memory kills the
   process (a file is the target so partial output cannot show up on the console). */
#include "tests/lib.h"
#include "tests/userprog/bad-ptrs.h"

const char *test_name = "write-bound2";

void test_main(void)
{
  create_file("wb2", 0);
  int fd = open_file("wb2");
  msg("writing past the top of the stack");
  write(fd, STACK_TOP - 16, 4096);
  fail("survived a write running into unmapped memory");
}
