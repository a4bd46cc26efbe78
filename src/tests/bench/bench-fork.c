/* Bench: a process with 2 MiB resident forks four children one after the other; each
   child writes to one page in eight and reads the rest, then exits. The parent reports
   its own counters (children report theirs). */
#include "tests/bench/bench.h"

const char *test_name = "bench-fork";

#define FORK_PAGES 512

void test_main(void)
{
  for (size_t p = 0; p < FORK_PAGES; p++)
    bench_touch(p, 1);
  for (int c = 0; c < 4; c++) {
    pid_t pid = fork("bench-kid");
    if (pid == 0) {
      unsigned long sum = 0;
      for (size_t p = 0; p < FORK_PAGES; p++) {
        if (p % 8 == (size_t)c)
          bench_touch(p, 2);
        else
          sum += bench_area[p][(p * 64) % PAGE_SIZE];
      }
      struct pfstat s;
      pfstat(&s);
      msg("child %d: read sum %lu", c, sum);
      pf_print("child faults", &s);
      exit(c);
    }
    REQUIRE(wait(pid) == c, "child %d", c);
  }
  bench_report();
}
