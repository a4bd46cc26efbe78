/* Bench helper: a large executable (1 MiB read-only table in the file, 16 MiB bss from
   bench.h) that touches 4 table pages and 4 bss pages, then reports. */
#include "tests/bench/bench.h"
#include "tests/vm/table256.h"

const char *test_name = "bench-big";

int main(void)
{
  unsigned sum = 0;
  const volatile uint8_t *t = (const volatile uint8_t *)bigtable; /* no constant folding */
  for (size_t p = 0; p < 256; p += 64) {
    sum += t[p * PAGE_SIZE];
    bench_touch(p * 8, 1);
  }
  msg("table sum %u", sum);
  bench_report();
  return 0;
}
