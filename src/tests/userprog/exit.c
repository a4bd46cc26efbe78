/* exit(N) from the middle of the program ends it with status N; the code after it never
   runs (no "end" line). */
#include "tests/lib.h"

const char *test_name = "exit";

void test_main(void)
{
  exit(57);
  fail("exit returned");
}
