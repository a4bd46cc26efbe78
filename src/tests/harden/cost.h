/* Cycle measurements for the cost tests (not a program). Under Bochs the TSC advances by
   one per instruction, so a difference of two readings counts emulated instructions. */
#ifndef TESTS_HARDEN_COST_H
#define TESTS_HARDEN_COST_H

#include <stdint.h>

static inline uint64_t cost_rdtsc(void)
{
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((uint64_t)hi << 32) | lo;
}

#endif
