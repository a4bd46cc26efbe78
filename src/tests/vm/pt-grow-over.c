/* Past the 1 MiB stack limit: touching the bottom of a local array of 1 MiB + 16 kB kills
   the process. */
#include "tests/vm/vm-util.h"

const char *test_name = "pt-grow-over";

#define OVER (VM_STACK_MAX + 16 * 1024)

static void __attribute__((noinline)) overflow(void)
{
  volatile uint8_t big[OVER];
  big[0] = 1;
  fail("touched a stack deeper than 1 MiB (%p)", (void *)&big[0]);
}

void test_main(void)
{
  msg("touching %d kB below the stack top", OVER / 1024); /* not inside overflow(): its
                                                             frame is already too deep */
  overflow();
}
