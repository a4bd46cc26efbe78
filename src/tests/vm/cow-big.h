/* Shared by the vm/cow-big-* tests (not a program): a process whose data alone is 600
   pages (2.4 MB), far above the 256 page records from which fork takes its path for large
   processes, with a per-page, per-word pattern, sample pages whose frames the tests
   compare (int $0x42), and a bounded wait for a file that another process creates (the
   tests' only way to order two processes that are not parent and child). */
#ifndef TESTS_VM_COW_BIG_H
#define TESTS_VM_COW_BIG_H

#include "tests/vm/vm-util.h"

#define BIG_PAGES 600
#define BIG_WORDS (PAGE_SIZE / sizeof(uint64_t))

/* Sample pages: every BIG_STRIDE-th page from page 0, then the last page. */
#define BIG_STRIDE  37
#define BIG_SAMPLES ((BIG_PAGES - 1) / BIG_STRIDE + 2)

/* Opens of a missing file a waiter makes before it gives up: the longest wait of these
   tests took 11,837 under seeds 0-10 and ips 1000000 (each open of a missing file costs
   about 2,700 cycles, so giving up takes some 8 s of emulated time). */
#define BIG_POLL_TRIES 300000L

static uint64_t big[BIG_PAGES][BIG_WORDS] __attribute__((aligned(PAGE_SIZE)));

/* The word W of page P under SALT: different for every page, word and salt. */
static inline uint64_t big_word(size_t p, size_t w, unsigned salt)
{
  return ((uint64_t)salt << 48) ^ ((uint64_t)p << 24) ^ (w * 0x9e3779b1u);
}

/* Writes SALT's pattern into pages [FIRST, LAST). */
static inline void big_fill(size_t first, size_t last, unsigned salt)
{
  for (size_t p = first; p < last; p++)
    for (size_t w = 0; w < BIG_WORDS; w++)
      big[p][w] = big_word(p, w, salt);
}

/* True if page P holds SALT's pattern in every word. */
static inline bool big_page_is(size_t p, unsigned salt)
{
  for (size_t w = 0; w < BIG_WORDS; w++)
    if (big[p][w] != big_word(p, w, salt))
      return false;
  return true;
}

/* Number of pages in [FIRST, LAST) that do not hold SALT's pattern (reads only). */
static inline size_t big_count_wrong(size_t first, size_t last, unsigned salt)
{
  size_t wrong = 0;
  for (size_t p = first; p < last; p++)
    if (!big_page_is(p, salt))
      wrong++;
  return wrong;
}

/* The page of sample I (0 <= I < BIG_SAMPLES). */
static inline size_t big_sample(size_t i)
{
  return i + 1 < BIG_SAMPLES ? i * BIG_STRIDE : BIG_PAGES - 1;
}

/* Stores the frame of every sample page in FRAMES (0 for a page not present). */
static inline void big_record_frames(uint64_t frames[BIG_SAMPLES])
{
  for (size_t i = 0; i < BIG_SAMPLES; i++)
    frames[i] = frame_of(big[big_sample(i)]);
}

/* Number of sample pages whose frame is not the one in FRAMES. */
static inline size_t big_frames_moved(const uint64_t frames[BIG_SAMPLES])
{
  size_t moved = 0;
  for (size_t i = 0; i < BIG_SAMPLES; i++)
    if (frame_of(big[big_sample(i)]) != frames[i])
      moved++;
  return moved;
}

/* Waits until file NAME exists (at most BIG_POLL_TRIES opens); returns its size, or -1 if
   it never appeared. */
static inline int big_await_file(const char *name)
{
  for (long t = 0; t < BIG_POLL_TRIES; t++) {
    int fd = open(name);
    if (fd >= 0) {
      int size = filesize(fd);
      close(fd);
      return size;
    }
  }
  return -1;
}

#endif
