/* Bench: one byte in every 16th page of a 16 MiB bss area (256 pages), twice. */
#include "tests/bench/bench.h"

const char *test_name = "bench-sparse";

void test_main(void)
{
  for (int pass = 0; pass < 2; pass++)
    for (size_t p = 0; p < BENCH_PAGES; p += 16)
      bench_touch(p, (uint8_t)pass);
  bench_report();
}
