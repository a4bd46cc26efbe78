/* Copy-on-write under memory pressure: a process writes 512 pages on a 256-page user pool
   and forks; the child rewrites the first half, the parent the second half, at the same
   time, and each verifies all 512 pages (its own writes and the inherited bytes). Shared
   frames evicted meanwhile go to one slot both sides reference. */
#include "tests/vm/vm-util.h"

const char *test_name = "cow-swap";

#define PAGES 512
#define WORDS (PAGE_SIZE / sizeof(uint64_t))

static uint64_t area[PAGES][WORDS] __attribute__((aligned(PAGE_SIZE)));

static uint64_t word_of(size_t p, size_t w, unsigned salt) { return (p << 20) ^ (w * 977) ^ salt; }

/* Writes SALT's pattern into [FIRST, LAST), then checks that those pages hold it and the
   others still hold the original pattern. */
static bool write_half_verify(size_t first, size_t last, unsigned salt)
{
  for (size_t p = first; p < last; p++)
    for (size_t w = 0; w < WORDS; w++)
      area[p][w] = word_of(p, w, salt);
  for (size_t p = 0; p < PAGES; p++)
    for (size_t w = 0; w < WORDS; w++)
      if (area[p][w] != word_of(p, w, p >= first && p < last ? salt : 1))
        return false;
  return true;
}

void test_main(void)
{
  for (size_t p = 0; p < PAGES; p++)
    for (size_t w = 0; w < WORDS; w++)
      area[p][w] = word_of(p, w, 1);
  pid_t pid = fork("child");
  if (pid == 0)
    exit(write_half_verify(0, PAGES / 2, 2) ? 0 : 1);
  CHECK(pid > 0, "fork");
  bool ok = write_half_verify(PAGES / 2, PAGES, 3);
  CHECK(wait(pid) == 0, "child verified its half and the inherited half");
  CHECK(ok, "parent verified its half and the inherited half");
}
