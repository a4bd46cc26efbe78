/* A user-mode write to a kernel address kills the process with status -1 and nothing else. */
#include "tests/lib.h"
#include "tests/userprog/bad-ptrs.h"

const char *test_name = "bad-write-kern";

void test_main(void)
{
  volatile char *p = BAD_KERNEL_PTR;
  __asm__ volatile("" : "+r"(p)); /* hide the constant from the optimiser */
  msg("writing a kernel address");
  *p = 42;
  fail("wrote a kernel address");
}
