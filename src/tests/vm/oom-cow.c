/* A copy-on-write tree whose writes exceed RAM plus swap. The parent writes 160 pages and
   forks six children, which share them; each child verifies all 160, rewrites them (a
   copy-on-write copy per page), writes 160 more of its own and verifies everything, over
   and over. Together they need far more frames and slots than there are, so children are
   killed mid-copy and while others read shared pages back from swap; every survivor's
   data must be intact: a child exits 0 only if every check passed, or is killed (-1).
   The parent, which shared every page with them, verifies its own pages last. Under the
   out-of-memory rule (docs/abi.md: the process whose fault finds no memory dies) the parent
   may itself be that process: its stack page is copy-on-write shared with the children it
   has forked so far, so under some schedules (seed 3) its own write after a fork finds
   memory gone and it is killed before its checks (expected/vm/oom-cow.alt1.out). */
#include "tests/vm/vm-util.h"

const char *test_name = "oom-cow";

#define SHARED 160
#define OWN    160
#define KIDS   6
#define WORDS  (PAGE_SIZE / sizeof(uint64_t))

static volatile uint64_t shared[SHARED][WORDS] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t own[OWN][WORDS] __attribute__((aligned(PAGE_SIZE)));

static uint64_t word_of(size_t p, size_t w, unsigned salt) { return (p << 20) ^ (w * 131) ^ salt; }

static bool check(volatile uint64_t (*a)[WORDS], size_t n, unsigned salt)
{
  for (size_t p = 0; p < n; p++)
    for (size_t w = 0; w < WORDS; w += 64)
      if (a[p][w] != word_of(p, w, salt))
        return false;
  return true;
}

static void fill(volatile uint64_t (*a)[WORDS], size_t n, unsigned salt)
{
  for (size_t p = 0; p < n; p++)
    for (size_t w = 0; w < WORDS; w += 64)
      a[p][w] = word_of(p, w, salt);
}

static int child(unsigned k)
{
  if (!check(shared, SHARED, 1))
    return 1;
  for (unsigned round = 0; round < 3; round++) {
    unsigned salt = 10 * (k + 1) + round;
    fill(shared, SHARED, salt);
    fill(own, OWN, salt + 5);
    if (!check(shared, SHARED, salt) || !check(own, OWN, salt + 5))
      return 1;
  }
  return 0;
}

void test_main(void)
{
  fill(shared, SHARED, 1);
  pid_t pids[KIDS];
  for (unsigned k = 0; k < KIDS; k++) {
    pids[k] = fork("cow");
    if (pids[k] == 0)
      exit(child(k));
    REQUIRE(pids[k] > 0, "fork %u", k);
  }
  for (unsigned k = 0; k < KIDS; k++) {
    int status = wait(pids[k]);
    REQUIRE(status == 0 || status == -1, "child %u: status %d", k, status);
  }
  msg("every child verified its data or was killed");
  CHECK(check(shared, SHARED, 1), "parent's pages unchanged");
}
