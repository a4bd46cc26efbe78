/* `swap-anon MODE PAGES [quiet]`: writes PAGES pages of a bss array (a multiple of the
   user pool the test configures with -ul) in MODE order, then verifies every byte in the
   same order. MODE: seq (page 0, 1, ...), stride (every 7th page, wrapping), rand (a
   permutation drawn from a fixed seed). The pages that do not fit in RAM go to swap and
   come back on the verify pass. With "quiet" it prints nothing and exits 0 on success,
   1 on a mismatch (for tests that run several at once). */
#include "lib/stdlib.h"
#include "tests/vm/vm-util.h"

const char *test_name = "swap-anon";

#define MAX_PAGES 1024
#define WORDS     (PAGE_SIZE / sizeof(uint64_t))

static uint64_t area[MAX_PAGES][WORDS] __attribute__((aligned(PAGE_SIZE)));
static uint16_t order[MAX_PAGES];

static uint64_t word_of(size_t page, size_t w, unsigned salt)
{
  return ((uint64_t)page << 32) ^ (w * 0x9E3779B97F4A7C15ULL) ^ salt;
}

/* Fills order[0..n) with the visiting order of MODE; false for an unknown mode. */
static bool make_order(const char *mode, size_t n)
{
  for (size_t i = 0; i < n; i++)
    order[i] = (uint16_t)i;
  if (!strcmp(mode, "seq"))
    return true;
  if (!strcmp(mode, "stride")) {
    size_t k = 0;
    for (size_t start = 0; start < 7; start++)
      for (size_t p = start; p < n; p += 7)
        order[k++] = (uint16_t)p;
    return true;
  }
  if (!strcmp(mode, "rand")) {
    random_init(0x5eed);
    for (size_t i = n - 1; i > 0; i--) {
      size_t j = (size_t)(random_u64() % (i + 1));
      uint16_t t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return true;
  }
  return false;
}

/* Writes then checks N pages in order[]; returns the first bad page, or N if all good. */
static size_t write_verify(size_t n, unsigned salt)
{
  for (size_t i = 0; i < n; i++)
    for (size_t w = 0; w < WORDS; w++)
      area[order[i]][w] = word_of(order[i], w, salt);
  for (size_t i = 0; i < n; i++)
    for (size_t w = 0; w < WORDS; w++)
      if (area[order[i]][w] != word_of(order[i], w, salt))
        return order[i];
  return n;
}

int main(int argc, char **argv)
{
  bool quiet = argc > 3 && !strcmp(argv[3], "quiet");
  size_t n = argc > 2 ? (size_t)atoi(argv[2]) : 0;
  if (argc < 3 || n == 0 || n > MAX_PAGES || !make_order(argv[1], n)) {
    printf("usage: swap-anon seq|stride|rand PAGES [quiet]\n");
    return 2;
  }
  if (quiet)
    return write_verify(n, (unsigned)n) == n ? 0 : 1;
  msg("begin");
  size_t bad = write_verify(n, 7);
  REQUIRE(bad == n, "page %zu read back wrong", bad);
  msg("%zu pages written and verified in %s order", n, argv[1]);
  msg("end");
  return 0;
}
