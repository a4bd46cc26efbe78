/* A read 64 kB below rsp is not stack growth (only accesses down to 8 bytes below rsp
   are): the process is killed. */
#include "tests/vm/vm-util.h"

const char *test_name = "pt-grow-bad";

void test_main(void)
{
  volatile char *p = (volatile char *)(vm_get_rsp() - 64 * 1024);
  msg("reading 64 kB below rsp");
  char c = *p;
  fail("read 64 kB below rsp and got %d", c);
}
