/* Three processes at once each write and verify 320 pages (swap-anon ... quiet) on a
   256-page user pool: together they need almost four times the RAM. */
#include "tests/vm/vm-util.h"

const char *test_name = "swap-multi";

void test_main(void)
{
  pid_t pids[3];
  for (int i = 0; i < 3; i++)
    pids[i] = spawn("anon", i == 1 ? "swap-anon rand 320 quiet" : "swap-anon seq 320 quiet");
  for (int i = 0; i < 3; i++)
    CHECK(wait(pids[i]) == 0, "child %d verified its memory", i);
}
