/* Writing to read-only data (a const array, loaded without PF_W) kills the process. */
#include "tests/vm/vm-util.h"

const char *test_name = "pt-write-ro";

static const char motto[] = "read-only data";

void test_main(void)
{
  volatile char *p = (volatile char *)motto;
  __asm__ volatile("" : "+r"(p));
  CHECK(p[0] == 'r', "read the read-only data");
  p[0] = 'R';
  fail("wrote read-only data");
}
