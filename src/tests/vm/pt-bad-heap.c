/* Memory a few pages past the end of the program's data and bss is not mapped: reading
   it kills the process. */
#include "tests/vm/vm-util.h"

const char *test_name = "pt-bad-heap";

extern char _end[]; /* end of bss, from the default linker script */

void test_main(void)
{
  volatile char *p = (volatile char *)(((uintptr_t)_end + 4095) / 4096 * 4096 + 3 * 4096);
  msg("reading past the end of bss");
  char c = *p;
  fail("read past the end of bss and got %d", c);
}
