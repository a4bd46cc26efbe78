/* read into a kernel-half buffer kills the process (and writes nothing there). */
#include "tests/lib.h"
#include "tests/userprog/bad-ptrs.h"

const char *test_name = "read-kernel";

void test_main(void)
{
  create_file("rk", 100);
  int fd = open_file("rk");
  read(fd, BAD_KERNEL_PTR, 100);
  fail("survived read into the kernel");
}
