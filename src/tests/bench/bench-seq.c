/* Bench: every byte of the first 4 MiB of bss written in order, then read back twice. */
#include "tests/bench/bench.h"

const char *test_name = "bench-seq";

#define SEQ_PAGES 1024

void test_main(void)
{
  unsigned long sum = 0;
  for (size_t p = 0; p < SEQ_PAGES; p++) {
    memset(bench_area[p], (int)p, PAGE_SIZE);
    bench_seen[p] = 1;
  }
  for (int pass = 0; pass < 2; pass++)
    for (size_t p = 0; p < SEQ_PAGES; p++)
      for (size_t i = 0; i < PAGE_SIZE; i += 64)
        sum += bench_area[p][i];
  CHECK(sum == 2UL * 64 * 4 * (255 * 256 / 2), "sum of the bytes read is right");
  bench_report();
}
