/* halt powers the machine off at once: nothing after "begin" is printed and the process
   never reaches its exit line. */
#include "tests/lib.h"

const char *test_name = "halt";

void test_main(void)
{
  halt();
  fail("halt returned");
}
