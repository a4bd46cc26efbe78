/* A user-mode jump to a kernel address kills the process with status -1 and nothing else. */
#include "tests/lib.h"
#include "tests/userprog/bad-ptrs.h"

const char *test_name = "bad-jump-kern";

void test_main(void)
{
  volatile char *p = BAD_KERNEL_PTR;
  __asm__ volatile("" : "+r"(p)); /* hide the constant from the optimiser */
  msg("jumping to a kernel address");
  ((void (*)(void))p)();
  fail("returned from a kernel address");
}
