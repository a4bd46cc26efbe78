/* exec with a command-line pointer into the kernel kills the process. */
#include "tests/lib.h"
#include "tests/userprog/bad-ptrs.h"

const char *test_name = "exec-kernel";

void test_main(void)
{
  msg("exec with a kernel pointer");
  exec(BAD_KERNEL_PTR);
  fail("survived exec with a kernel pointer");
}
