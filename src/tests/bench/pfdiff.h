/* Shared by the bench programs press.c and forkb.c (not a program). */
#ifndef TESTS_BENCH_PFDIFF_H
#define TESTS_BENCH_PFDIFF_H

#include "tests/lib.h"

/* *D = *B - *A, field by field. struct pfstat holds only longs (lib/syscall-nr.h), so this
   stays right when the kernel appends counters. */
static inline void bench_pf_diff(const struct pfstat *a, const struct pfstat *b, struct pfstat *d)
{
  const long *pa = (const long *)a, *pb = (const long *)b;
  long *pd = (long *)d;
  for (size_t i = 0; i < sizeof *d / sizeof(long); i++)
    pd[i] = pb[i] - pa[i];
}

#endif
