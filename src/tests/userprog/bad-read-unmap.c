/* Reading unmapped user memory (not near the stack) kills the process. */
#include "tests/lib.h"
#include "tests/userprog/bad-ptrs.h"

const char *test_name = "bad-read-unmap";

void test_main(void)
{
  volatile char *p = BAD_UNMAPPED_PTR;
  __asm__ volatile("" : "+r"(p));
  msg("reading an unmapped address");
  char c = *p;
  fail("read an unmapped address and got %d", c);
}
