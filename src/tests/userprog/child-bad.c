/* Helper: writes to address 0 and so is killed (status -1). */
#include "tests/lib.h"

const char *test_name = "child-bad";

int main(void)
{
  volatile int *p = NULL;
  __asm__ volatile("" : "+r"(p));
  msg("about to write to address 0");
  *p = 1;
  fail("survived a write to address 0");
}
