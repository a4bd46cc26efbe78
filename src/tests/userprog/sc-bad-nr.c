/* An unknown system-call number kills the process (ABI section 1). */
#include "tests/lib.h"

const char *test_name = "sc-bad-nr";

void test_main(void)
{
  long r;
  msg("system call 0x7777");
  __asm__ volatile("syscall" : "=a"(r) : "a"(0x7777L) : "rcx", "r11", "memory");
  fail("unknown system call returned %ld", r);
}
