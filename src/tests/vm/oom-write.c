/* `oom-write PAGES`: a child writes PAGES pages of a bss array, more than the user pool
   plus the swap disk hold, and reports every 64 pages. It must be killed with exit(-1)
   when memory runs out (not loop forever, not hang); everything it had comes back, so the
   parent then writes and verifies 64 fresh pages of its own. */
#include "lib/stdlib.h"
#include "tests/vm/vm-util.h"

const char *test_name = "oom-write";

#define MAX_PAGES 8192
#define WORDS     (PAGE_SIZE / sizeof(uint64_t))

static volatile uint64_t area[MAX_PAGES][WORDS] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t mine[64][WORDS] __attribute__((aligned(PAGE_SIZE)));

void test_main(void)
{
  size_t n = test_argc > 1 ? (size_t)atoi(test_argv[1]) : 0;
  REQUIRE(n > 0 && n <= MAX_PAGES, "usage: oom-write PAGES (1-%d)", MAX_PAGES);
  pid_t pid = test_argc > 2 ? 0 : fork("writer");
  if (pid == 0) {
    for (size_t p = 0; p < n; p++) {
      if (p % 64 == 0)
        msg("writer: %zu pages", p);
      for (size_t w = 0; w < WORDS; w++)
        area[p][w] = p ^ w;
    }
    msg("writer: all %zu pages written", n);
    exit(0);
  }
  REQUIRE(pid > 0, "fork");
  CHECK(wait(pid) == -1, "the writer was killed");
  for (size_t p = 0; p < 64; p++)
    for (size_t w = 0; w < WORDS; w++)
      mine[p][w] = p * 3 + w;
  for (size_t p = 0; p < 64; p++)
    for (size_t w = 0; w < WORDS; w++)
      REQUIRE(mine[p][w] == p * 3 + w, "page %zu read back wrong", p);
  msg("parent wrote and verified 64 fresh pages");
}
