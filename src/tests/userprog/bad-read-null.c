/* A user-mode read of address 0 kills the process with status -1 and nothing else. */
#include "tests/lib.h"
#include "tests/userprog/bad-ptrs.h"

const char *test_name = "bad-read-null";

void test_main(void)
{
  volatile char *p = NULL;
  __asm__ volatile("" : "+r"(p)); /* hide the constant from the optimiser */
  msg("reading address 0");
  char c = *p;
  fail("read address 0 and got %d", c);
}
