/* Bench: strides of 7 pages through the 16 MiB area, wrapping around, 2048 touches. */
#include "tests/bench/bench.h"

const char *test_name = "bench-stride";

void test_main(void)
{
  size_t p = 0;
  for (int i = 0; i < 2048; i++) {
    bench_touch(p, (uint8_t)i);
    p = (p + 7) % BENCH_PAGES;
  }
  bench_report();
}
