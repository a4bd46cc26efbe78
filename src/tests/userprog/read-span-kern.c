/* A read buffer that starts in user space but runs into the kernel half kills the
   process: the whole range must be checked, not only its first byte. */
#include "tests/lib.h"
#include "tests/userprog/bad-ptrs.h"

const char *test_name = "read-span-kern";

void test_main(void)
{
  create_file("spanner", 100);
  int fd = open_file("spanner");
  read(fd, (char *)0x8004000000ULL - 16, 100);
  fail("survived a read running into the kernel");
}
