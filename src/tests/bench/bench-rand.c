/* Bench: 3000 touches of pages chosen pseudo-randomly (fixed seed) among the first
   1024 pages, reads and writes mixed. */
#include "tests/bench/bench.h"

const char *test_name = "bench-rand";

void test_main(void)
{
  unsigned long sum = 0;
  random_init(0xbe9c4);
  for (int i = 0; i < 3000; i++) {
    uint64_t r = random_u64();
    size_t p = r % 1024;
    if (r & (1ULL << 40))
      bench_touch(p, (uint8_t)i);
    else {
      sum += bench_area[p][0];
      bench_seen[p] = 1;
    }
  }
  msg("checksum %lu", sum);
  bench_report();
}
