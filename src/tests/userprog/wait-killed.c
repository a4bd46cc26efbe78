/* Waiting for a child that the kernel killed (bad memory access) returns -1; the parent
   goes on. */
#include "tests/lib.h"

const char *test_name = "wait-killed";

void test_main(void)
{
  CHECK(wait(spawn("doomed-kid", "child-bad")) == -1, "wait returned -1");
  pid_t pid = fork("crash-kid");
  if (pid == 0) {
    volatile char *p = (volatile char *)0x8004000000ULL;
    __asm__ volatile("" : "+r"(p));
    *p = 0;
    exit(5);
  }
  CHECK(wait(pid) == -1, "wait for a forked child killed by a kernel access returned -1");
}
