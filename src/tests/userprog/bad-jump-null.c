/* A user-mode jump to address 0 kills the process with status -1 and nothing else. */
#include "tests/lib.h"
#include "tests/userprog/bad-ptrs.h"

const char *test_name = "bad-jump-null";

void test_main(void)
{
  volatile char *p = NULL;
  __asm__ volatile("" : "+r"(p)); /* hide the constant from the optimiser */
  msg("jumping to address 0");
  ((void (*)(void))p)();
  fail("returned from address 0");
}
