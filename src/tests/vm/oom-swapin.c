/* Exhaustion while another process sleeps on a swap-in of a page the victim shares. The
   parent writes 96 pages (more than the 64-frame user pool: most go to swap) and forks a
   reader and a hog, which share them copy-on-write. The reader reads all 96 again and
   again, so it keeps sleeping on swap-ins of slots the hog shares; the hog reads them
   too, then writes 512 pages of its own, more than the pool plus swap, and must be killed.
   The reader either verifies every page each time (exit 0) or is killed itself when a
   swap-in finds no frame (exit -1); the parent's pages must be intact at the end. */
#include "tests/vm/vm-util.h"

const char *test_name = "oom-swapin";

#define SHARED 96
#define HOG    512
#define WORDS  (PAGE_SIZE / sizeof(uint64_t))

static volatile uint64_t shared[SHARED][WORDS] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t hog[HOG][WORDS] __attribute__((aligned(PAGE_SIZE)));

static uint64_t word_of(size_t p, size_t w) { return (p << 24) ^ (w * 4099) ^ 0x55; }

static bool shared_ok(void)
{
  for (size_t p = 0; p < SHARED; p++)
    for (size_t w = 0; w < WORDS; w += 128)
      if (shared[p][w] != word_of(p, w))
        return false;
  return true;
}

void test_main(void)
{
  for (size_t p = 0; p < SHARED; p++)
    for (size_t w = 0; w < WORDS; w += 128)
      shared[p][w] = word_of(p, w);
  pid_t reader = fork("reader");
  if (reader == 0) {
    for (unsigned round = 0; round < 12; round++)
      if (!shared_ok())
        exit(1);
    exit(0);
  }
  REQUIRE(reader > 0, "fork reader");
  pid_t h = fork("hog");
  if (h == 0) {
    if (!shared_ok())
      exit(1);
    for (size_t p = 0; p < HOG; p++)
      hog[p][p % WORDS] = p;
    exit(2);
  }
  REQUIRE(h > 0, "fork hog");
  CHECK(wait(h) == -1, "the hog was killed");
  int r = wait(reader);
  REQUIRE(r == 0 || r == -1, "reader: status %d", r);
  msg("the reader verified every page or was killed");
  CHECK(shared_ok(), "parent's pages unchanged");
}
