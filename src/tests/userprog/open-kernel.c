/* A file name pointer into the kernel half kills the process. */
#include "tests/lib.h"
#include "tests/userprog/bad-ptrs.h"

const char *test_name = "open-kernel";

void test_main(void)
{
  msg("open with a kernel pointer");
  open(BAD_KERNEL_PTR);
  fail("survived open with a kernel pointer");
}
