/* A process writes 512 pages on a 256-page user pool (half of them end in swap) and
   forks. The child verifies every byte, rewrites the first half with its own pattern and
   verifies again; then the parent verifies that it still sees its own bytes everywhere. */
#include "tests/vm/vm-util.h"

const char *test_name = "swap-fork";

#define PAGES 512
#define WORDS (PAGE_SIZE / sizeof(uint64_t))

static uint64_t area[PAGES][WORDS] __attribute__((aligned(PAGE_SIZE)));

static uint64_t word_of(size_t p, size_t w, unsigned salt) { return (p << 20) ^ (w * 977) ^ salt; }

/* Index of the first page in [FIRST, LAST) that does not hold SALT's pattern, or LAST. */
static size_t verify(size_t first, size_t last, unsigned salt)
{
  for (size_t p = first; p < last; p++)
    for (size_t w = 0; w < WORDS; w++)
      if (area[p][w] != word_of(p, w, salt))
        return p;
  return last;
}

void test_main(void)
{
  for (size_t p = 0; p < PAGES; p++)
    for (size_t w = 0; w < WORDS; w++)
      area[p][w] = word_of(p, w, 1);
  pid_t pid = fork("child");
  if (pid == 0) {
    if (verify(0, PAGES, 1) != PAGES)
      exit(1);
    for (size_t p = 0; p < PAGES / 2; p++)
      for (size_t w = 0; w < WORDS; w++)
        area[p][w] = word_of(p, w, 2);
    if (verify(0, PAGES / 2, 2) != PAGES / 2 || verify(PAGES / 2, PAGES, 1) != PAGES)
      exit(2);
    exit(0);
  }
  CHECK(pid > 0, "fork");
  CHECK(wait(pid) == 0, "child verified the inherited pages and its own writes");
  CHECK(verify(0, PAGES, 1) == PAGES, "parent still sees its own pages");
}
