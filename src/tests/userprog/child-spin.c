/* Helper: `child-spin` prints one line, then computes forever without a system call, so
   only an interrupt from user mode can stop it (the Ctrl-C test of shell.exp). */
#include "tests/lib.h"

const char *test_name = "child-spin";

int main(void)
{
  msg("spinning");
  volatile unsigned long n = 0;
  for (;;)
    n++;
}
