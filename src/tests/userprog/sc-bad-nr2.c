/* A negative system-call number (and one just past the table) kills the process. */
#include "tests/lib.h"

const char *test_name = "sc-bad-nr2";

void test_main(void)
{
  long r;
  msg("system call -1");
  __asm__ volatile("syscall" : "=a"(r) : "a"(-1L) : "rcx", "r11", "memory");
  fail("system call -1 returned %ld", r);
}
