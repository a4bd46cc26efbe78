/* The pseudo-random generator of the memory-pressure workloads (press.c). The harness
   rebuilds their reference strings with the same generator (harness/vmbench/refstr.py), and
   harness/tests/test_refsim.py compiles this header on the host to check that the two
   give the same numbers. Only <stdint.h>: it builds for the host and for user programs. */
#ifndef TESTS_BENCH_PRESS_RNG_H
#define TESTS_BENCH_PRESS_RNG_H

#include <stdint.h>

/* splitmix64: advances *STATE by a fixed odd constant and returns a mix of it. Every
   64-bit state value gives a full-period sequence; no allocation, no global state. */
static inline __attribute__((always_inline)) uint64_t press_rng_next(uint64_t *state)
{
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* The page a skewed workload touches for the random number X: 80 of every 100 values
   fall on the first HOT pages, the rest on pages HOT..N-1. */
static inline __attribute__((always_inline)) uint64_t press_rng_skew(uint64_t x, uint64_t n,
                                                                     uint64_t hot)
{
  return x % 100 < 80 ? (x >> 32) % hot : hot + (x >> 32) % (n - hot);
}

#endif
