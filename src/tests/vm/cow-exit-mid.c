/* Exit of a sharer while another process is faulting the same page, and two more deaths of
   sharers, under memory pressure (a 64-frame user pool, swap), with the power-off leak
   check watching frames, swap slots and pins.

   Phase 1: the parent writes 96 pages (the first ones go to swap) and forks a child that
   only exits. Between the messages "reading page 0" and "page 0 read" the parent runs one
   instruction, a read of page 0, whose contents are in a swap slot the child references
   too. Under the default seed nothing preempts the parent in user mode, so the child
   runs only while the parent sleeps inside the kernel: its exit line lands between the
   two messages exactly when the child's whole exit (every frame detached, every slot
   unreferenced, page 0's slot included) ran while the parent's fault on page 0 slept on
   the swap read. That is the order expected/vm/cow-exit-mid.out holds; other seeds may
   run the child earlier or later (cow-exit-mid.alt1.out and .alt2.out).
   Phase 2: a child rewrites one shared page (a copy) and is then killed by a bad access.
   Phase 3: a child exits at once while most of the pages it shares sit in swap.
   The parent then checks every byte it wrote. */
#include "tests/vm/vm-util.h"

const char *test_name = "cow-exit-mid";

#define PAGES 96
#define WORDS (PAGE_SIZE / sizeof(uint64_t))

static uint64_t area[PAGES][WORDS] __attribute__((aligned(PAGE_SIZE)));

static uint64_t word_of(size_t p, size_t w) { return (p << 32) ^ (w * 2654435761u) ^ 0x5a5a; }

static bool check_all(void)
{
  for (size_t p = 0; p < PAGES; p++)
    for (size_t w = 0; w < WORDS; w++)
      if (area[p][w] != word_of(p, w))
        return false;
  return true;
}

void test_main(void)
{
  for (size_t p = 0; p < PAGES; p++)
    for (size_t w = 0; w < WORDS; w++)
      area[p][w] = word_of(p, w);

  pid_t pid = fork("quitter");
  if (pid == 0)
    exit(0);
  REQUIRE(pid > 0, "fork");
  msg("reading page 0");
  volatile uint64_t first = *(volatile uint64_t *)area[0];
  msg("page 0 read");
  CHECK(first == word_of(0, 0), "page 0 holds its bytes");
  CHECK(wait(pid) == 0, "quitter exited");

  pid = fork("victim");
  if (pid == 0) {
    area[PAGES - 1][0] = 1;
    *(volatile int *)NULL = 1;
    exit(0);
  }
  REQUIRE(pid > 0, "fork");
  CHECK(wait(pid) == -1, "victim was killed after its copy");

  pid = fork("leaver");
  if (pid == 0)
    exit(0);
  REQUIRE(pid > 0, "fork");
  CHECK(wait(pid) == 0, "leaver exited");
  CHECK(check_all(), "parent's %d pages unchanged", PAGES);
}
