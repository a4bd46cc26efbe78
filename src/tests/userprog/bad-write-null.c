/* A user-mode write to address 0 kills the process with status -1 and nothing else. */
#include "tests/lib.h"
#include "tests/userprog/bad-ptrs.h"

const char *test_name = "bad-write-null";

void test_main(void)
{
  volatile char *p = NULL;
  __asm__ volatile("" : "+r"(p)); /* hide the constant from the optimiser */
  msg("writing address 0");
  *p = 42;
  fail("wrote address 0");
}
