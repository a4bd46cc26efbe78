/* A file name pointer into the kernel half kills the process. */
#include "tests/lib.h"
#include "tests/userprog/bad-ptrs.h"

const char *test_name = "create-kernel";

void test_main(void)
{
  msg("create with a kernel pointer");
  create(BAD_KERNEL_PTR, 0);
  fail("survived create with a kernel pointer");
}
