/* `oom-kids PAGES`: eight children of one process each write and verify PAGES pages of a
   large bss, together far more than the user pool plus swap. Some finish or all are
   killed; each child's status is 0 (all its pages verified) or -1 (killed when memory ran
   out), never a hang, never another status; the parent then writes and verifies fresh
   memory of its own. Which children die depends on the schedule, so only that is checked. */
#include "lib/stdlib.h"
#include "tests/vm/vm-util.h"

const char *test_name = "oom-kids";

#define KIDS      8
#define MAX_PAGES 8192
#define WORDS     (PAGE_SIZE / sizeof(uint64_t))

static volatile uint64_t area[MAX_PAGES][WORDS] __attribute__((aligned(PAGE_SIZE)));

static uint64_t word_of(size_t p, size_t w, unsigned salt) { return (p << 16) ^ (w * 37) ^ salt; }

/* Writes then verifies N pages with SALT; true if all read back. */
static bool write_verify(size_t n, unsigned salt)
{
  for (size_t p = 0; p < n; p++)
    for (size_t w = 0; w < WORDS; w += 32)
      area[p][w] = word_of(p, w, salt);
  for (size_t p = 0; p < n; p++)
    for (size_t w = 0; w < WORDS; w += 32)
      if (area[p][w] != word_of(p, w, salt))
        return false;
  return true;
}

void test_main(void)
{
  size_t n = test_argc > 1 ? (size_t)atoi(test_argv[1]) : 0;
  REQUIRE(n > 0 && n <= MAX_PAGES, "usage: oom-kids PAGES (1-%d)", MAX_PAGES);
  pid_t pids[KIDS];
  for (unsigned k = 0; k < KIDS; k++) {
    pids[k] = fork("kid");
    if (pids[k] == 0)
      exit(write_verify(n, k) ? 0 : 1);
    REQUIRE(pids[k] > 0, "fork %u", k);
  }
  msg("%d of %d forks succeeded", KIDS, KIDS);
  for (unsigned k = 0; k < KIDS; k++) {
    int status = wait(pids[k]);
    REQUIRE(status == 0 || status == -1, "child %u: status %d", k, status);
  }
  msg("every child verified its pages or was killed");
  CHECK(write_verify(64, 99), "parent wrote and verified 64 fresh pages");
}
