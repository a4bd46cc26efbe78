/* Writing to the program's own code kills the process (code pages are read-only). */
#include "tests/vm/vm-util.h"

const char *test_name = "pt-write-code";

void test_main(void)
{
  volatile uint8_t *code = (volatile uint8_t *)(uintptr_t)test_main;
  __asm__ volatile("" : "+r"(code));
  uint8_t first = *code; /* reading code is fine */
  msg("read the first code byte");
  *code = (uint8_t)~first;
  fail("wrote to code");
}
