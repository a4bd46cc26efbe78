/* write from a kernel-half buffer kills the process. */
#include "tests/lib.h"
#include "tests/userprog/bad-ptrs.h"

const char *test_name = "write-kernel";

void test_main(void)
{
  create_file("wk", 0);
  int fd = open_file("wk");
  write(fd, BAD_KERNEL_PTR, 100);
  fail("survived write from the kernel");
}
