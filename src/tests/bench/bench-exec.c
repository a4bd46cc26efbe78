/* Bench: exec of a large binary (bench-big) that touches few pages, three times. */
#include "tests/lib.h"

const char *test_name = "bench-exec";

void test_main(void)
{
  for (int i = 0; i < 3; i++)
    REQUIRE(wait(spawn("bench-big", "bench-big")) == 0, "bench-big run %d", i);
  struct pfstat p;
  pfstat(&p);
  pf_print("parent faults", &p);
}
