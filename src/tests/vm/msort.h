/* Merge-sort helpers shared by the page-merge tests and child-sort (not a program). */
#ifndef TESTS_VM_MSORT_H
#define TESTS_VM_MSORT_H

#include "tests/lib.h"

#define MSORT_TOTAL 32768 /* ints sorted in all */
#define MSORT_PARTS 4
#define MSORT_PART  (MSORT_TOTAL / MSORT_PARTS)

/* Sorts A[0..N) ascending, using TMP[0..N) as scratch (bottom-up merge sort). */
static inline void msort_ints(int *a, int *tmp, size_t n)
{
  for (size_t width = 1; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      size_t mid = lo + width < n ? lo + width : n;
      size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi)
        tmp[k++] = a[j] < a[i] ? a[j++] : a[i++];
      while (i < mid)
        tmp[k++] = a[i++];
      while (j < hi)
        tmp[k++] = a[j++];
    }
    memcpy(a, tmp, n * sizeof *a);
  }
}

/* Merges MSORT_PARTS sorted runs of MSORT_PART ints each, stored one after the other in
   IN, into OUT. */
static inline void msort_merge_parts(const int *in, int *out)
{
  size_t pos[MSORT_PARTS] = {0};
  for (size_t k = 0; k < MSORT_TOTAL; k++) {
    int best = -1;
    for (int p = 0; p < MSORT_PARTS; p++)
      if (pos[p] < MSORT_PART &&
          (best < 0 || in[p * MSORT_PART + pos[p]] < in[best * MSORT_PART + pos[best]]))
        best = p;
    out[k] = in[best * MSORT_PART + pos[best]++];
  }
}

/* Name of the file holding sorted part P. */
static inline void msort_part_name(char *buf, size_t size, int p)
{
  snprintf(buf, size, "sorted-%d", p);
}

/* Reads the MSORT_PARTS part files into PARTS, merges them into MERGED, sorts DATA
   (MSORT_TOTAL ints, TMP as scratch) directly, and checks that the two results agree. */
static inline void msort_check_parts(int *data, int *tmp, int *parts, int *merged)
{
  char name[16];
  for (int p = 0; p < MSORT_PARTS; p++) {
    msort_part_name(name, sizeof name, p);
    int fd = open(name);
    REQUIRE(fd > 1, "open \"%s\"", name);
    read_all(fd, parts + p * MSORT_PART, MSORT_PART * sizeof(int), 0);
    close(fd);
  }
  msort_merge_parts(parts, merged);
  msort_ints(data, tmp, MSORT_TOTAL);
  compare_bytes(merged, data, MSORT_TOTAL * sizeof *data, "merged result");
  msg("merged result equals a direct sort");
}

#endif
