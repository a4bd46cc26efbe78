/* A user-mode read of a kernel address kills the process with status -1 and nothing else. */
#include "tests/lib.h"
#include "tests/userprog/bad-ptrs.h"

const char *test_name = "bad-read-kern";

void test_main(void)
{
  volatile char *p = BAD_KERNEL_PTR;
  __asm__ volatile("" : "+r"(p)); /* hide the constant from the optimiser */
  msg("reading a kernel address");
  char c = *p;
  fail("read a kernel address and got %d", c);
}
