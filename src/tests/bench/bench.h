/* Shared by the bench programs (not a program): a large bss area and the report. Each
   bench prints the number of distinct pages it touched and its own page-fault counters
   (since process start), so `make bench` can compare kernels and policies. Outputs are
   deterministic for a given kernel but not compared against expected files. */
#ifndef TESTS_BENCH_BENCH_H
#define TESTS_BENCH_BENCH_H

#include "tests/lib.h"

#define BENCH_PAGES 4096 /* 16 MiB of bss */

static uint8_t bench_area[BENCH_PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t bench_seen[BENCH_PAGES];

/* Writes one byte in page P (marking it touched). Volatile: the area is static and some
   benches never read it, so plain stores could be optimised away. */
static inline void bench_touch(size_t p, uint8_t v)
{
  *(volatile uint8_t *)&bench_area[p][(p * 64) % PAGE_SIZE] = v;
  bench_seen[p] = 1;
}

static inline void bench_report(void)
{
  struct pfstat p;
  size_t n = 0;
  for (size_t i = 0; i < BENCH_PAGES; i++)
    n += bench_seen[i];
  pfstat(&p);
  msg("distinct pages touched: %zu", n);
  pf_print("faults", &p);
}

#endif
