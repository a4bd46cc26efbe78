/* `oom-busy [SHARED BIG]`: nobody is killed while memory remains (issue 18, defect 2). A
   parent writes SHARED pages (default 100) and forks three children: a thrasher that
   rewrites BIG pages of its own (default 600; more than the user pool) twice, and two
   sharers that verify the parent's pages (shared copy-on-write), rewrite half of them and
   verify again. Swap has room for everything, so every process must finish with exit(0);
   the parent verifies its own pages last. */
#include "lib/stdlib.h"
#include "tests/vm/vm-util.h"

const char *test_name = "oom-busy";

#define SHARED_MAX 200
#define BIG_MAX    3000
#define WORDS      (PAGE_SIZE / sizeof(uint64_t))

static volatile uint64_t shared[SHARED_MAX][WORDS] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t big[BIG_MAX][WORDS] __attribute__((aligned(PAGE_SIZE)));
static size_t SHARED = 100, BIG = 600;

static uint64_t word_of(size_t p, size_t w, unsigned salt) { return (p << 20) ^ (w * 977) ^ salt; }

/* True if every shared page holds SALT (pages from FROM on) and BASE before FROM. */
static bool shared_ok(size_t from, unsigned salt, unsigned base)
{
  for (size_t p = 0; p < SHARED; p++)
    for (size_t w = 0; w < WORDS; w += 64)
      if (shared[p][w] != word_of(p, w, p >= from ? salt : base))
        return false;
  return true;
}

static int thrasher(void)
{
  for (unsigned pass = 0; pass < 2; pass++) {
    for (size_t p = 0; p < BIG; p++)
      big[p][p % WORDS] = word_of(p, pass, 5);
    for (size_t p = 0; p < BIG; p++)
      if (big[p][p % WORDS] != word_of(p, pass, 5))
        return 1;
  }
  return 0;
}

static int sharer(unsigned k)
{
  for (unsigned round = 0; round < 4; round++) {
    if (!shared_ok(0, 1, 1))
      return 1;
  }
  for (size_t p = SHARED / 2; p < SHARED; p++)
    for (size_t w = 0; w < WORDS; w += 64)
      shared[p][w] = word_of(p, w, 10 + k);
  return shared_ok(SHARED / 2, 10 + k, 1) ? 0 : 1;
}

void test_main(void)
{
  if (test_argc > 2) {
    SHARED = (size_t)atoi(test_argv[1]);
    BIG = (size_t)atoi(test_argv[2]);
  }
  REQUIRE(SHARED > 0 && SHARED <= SHARED_MAX && BIG > 0 && BIG <= BIG_MAX, "bad sizes");
  for (size_t p = 0; p < SHARED; p++)
    for (size_t w = 0; w < WORDS; w += 64)
      shared[p][w] = word_of(p, w, 1);
  pid_t pids[3];
  for (unsigned k = 0; k < 3; k++) {
    pids[k] = fork(k == 0 ? "thrasher" : "sharer");
    if (pids[k] == 0)
      exit(k == 0 ? thrasher() : sharer(k));
    REQUIRE(pids[k] > 0, "fork %u", k);
  }
  for (unsigned round = 0; round < 8; round++)
    REQUIRE(shared_ok(0, 1, 1), "parent's pages changed (round %u)", round);
  for (unsigned k = 0; k < 3; k++)
    CHECK(wait(pids[k]) == 0, "child %u finished with exit(0)", k);
  CHECK(shared_ok(0, 1, 1), "parent's pages unchanged");
}
