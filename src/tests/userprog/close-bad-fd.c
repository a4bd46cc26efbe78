/* Closing descriptors that were never opened is ignored or kills the process. */
#include "tests/lib.h"

const char *test_name = "close-bad-fd";

void test_main(void)
{
  close(0x12345);
  close(-7);
  msg("still alive");
}
