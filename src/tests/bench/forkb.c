/* Bench: the cost of fork (issue 10). Usage: forkb PATTERN [ARG]
     exit K     K times: fork a child that exits at once
     exec K     a process with 16 MB resident, K times: fork a child that execs `forkb nop`
     touch PCT  a process with 16 MB resident forks once; the child writes to PCT% of the
                16 MB (every 100/PCT-th page) and exits
     chain D    a process with 1 MB resident forks a child, which forks its own child, D
                levels deep; each waits for its child
     nop        exits at once
   Cycles are rdtsc differences: under Bochs one per emulated instruction, plus the time
   skipped while the CPU is halted. "fork cycles" is the parent's fork() call, "reaped"
   is from before fork() until wait() returned in the parent. */
#include "tests/bench/pfdiff.h"

const char *test_name = "forkb";

#define FORKB_BIG_PAGES   4096 /* 16 MB */
#define FORKB_CHAIN_PAGES 256  /* 1 MB */

static uint8_t forkb_area[FORKB_BIG_PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static inline uint64_t forkb_rdtsc(void)
{
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((uint64_t)hi << 32) | lo;
}

/* Writes one byte to every STEP-th page of the first PAGES pages; returns how many. */
static size_t forkb_write(size_t pages, size_t step, uint8_t v)
{
  size_t n = 0;
  for (size_t p = 0; p < pages; p += step, n++)
    *(volatile uint8_t *)&forkb_area[p][0] = v;
  return n;
}

static uint64_t forkb_arg(void)
{
  REQUIRE(test_argc >= 3, "forkb %s: argument missing", test_argv[1]);
  uint64_t v = 0;
  for (const char *s = test_argv[2]; *s; s++) {
    REQUIRE(*s >= '0' && *s <= '9', "forkb: %s is not a number", test_argv[2]);
    v = v * 10 + (uint64_t)(*s - '0');
  }
  REQUIRE(v >= 1 && v <= 100, "forkb: argument out of range 1..100");
  return v;
}

static void forkb_print_delta(const char *label, const struct pfstat *a, const struct pfstat *b)
{
  struct pfstat d;
  bench_pf_diff(a, b, &d);
  pf_print(label, &d);
}

/* K forks; the child runs CHILD (NULL: exits at once, else execs it). Prints the mean
   cycles of fork() in the parent and of fork to reaped. */
static void forkb_repeat(uint64_t k, const char *child)
{
  uint64_t forked = 0, reaped = 0;
  for (uint64_t i = 0; i < k; i++) {
    uint64_t t0 = forkb_rdtsc();
    pid_t pid = fork("forkb-kid");
    if (pid == 0) {
      if (child)
        exec(child);
      exit(child ? -1 : 0);
    }
    uint64_t t1 = forkb_rdtsc();
    REQUIRE(pid > 0, "fork %llu", (unsigned long long)i);
    REQUIRE(wait(pid) == 0, "child %llu exited with 0", (unsigned long long)i);
    forked += t1 - t0;
    reaped += forkb_rdtsc() - t0;
  }
  msg("forks: %llu", (unsigned long long)k);
  msg("fork cycles: %llu", (unsigned long long)(forked / k));
  msg("reaped cycles: %llu", (unsigned long long)(reaped / k));
}

/* One fork of the 16 MB process; the child writes to every STEP-th page. */
static void forkb_touch(uint64_t pct)
{
  size_t step = 100 / pct;
  uint64_t t0 = forkb_rdtsc();
  pid_t pid = fork("forkb-kid");
  if (pid == 0) {
    struct pfstat a, b;
    pfstat(&a);
    uint64_t c0 = forkb_rdtsc();
    size_t n = forkb_write(FORKB_BIG_PAGES, step, 2);
    uint64_t c1 = forkb_rdtsc();
    pfstat(&b);
    msg("child pages written: %zu", n);
    msg("child write cycles: %llu", (unsigned long long)(c1 - c0));
    forkb_print_delta("child faults", &a, &b);
    exit(0);
  }
  uint64_t t1 = forkb_rdtsc();
  REQUIRE(pid > 0 && wait(pid) == 0, "child exited with 0");
  uint64_t t2 = forkb_rdtsc();
  msg("forks: 1");
  msg("fork cycles: %llu", (unsigned long long)(t1 - t0));
  msg("reaped cycles: %llu", (unsigned long long)(t2 - t0));
  REQUIRE(forkb_area[0][0] == 1 && forkb_area[FORKB_BIG_PAGES - 1][0] == 1,
          "the parent's pages kept their contents");
}

/* Forks a child that forks on to depth LEVELS; returns in the top process only. */
static void forkb_chain(uint64_t levels)
{
  uint64_t t0 = forkb_rdtsc(), depth = 0;
  while (depth < levels) {
    pid_t pid = fork("forkb-kid");
    REQUIRE(pid >= 0, "fork at depth %llu", (unsigned long long)depth);
    if (pid != 0) {
      int status = wait(pid);
      if (depth > 0)
        exit(status == 0 ? 0 : 1);
      REQUIRE(status == 0, "the chain exited with 0");
      break;
    }
    depth++;
    forkb_write(FORKB_CHAIN_PAGES, FORKB_CHAIN_PAGES, (uint8_t)depth);
  }
  if (depth == levels)
    exit(0);
  msg("forks: %llu", (unsigned long long)levels);
  msg("chain cycles per level: %llu", (unsigned long long)((forkb_rdtsc() - t0) / levels));
}

void test_main(void)
{
  REQUIRE(test_argc >= 2, "usage: forkb exit|exec|touch|chain|nop [ARG]");
  const char *pat = test_argv[1];
  if (!strcmp(pat, "nop"))
    exit(0);
  if (!strcmp(pat, "exit"))
    forkb_repeat(forkb_arg(), NULL);
  else if (!strcmp(pat, "exec")) {
    forkb_write(FORKB_BIG_PAGES, 1, 1);
    forkb_repeat(forkb_arg(), "forkb nop");
  } else if (!strcmp(pat, "touch")) {
    forkb_write(FORKB_BIG_PAGES, 1, 1);
    forkb_touch(forkb_arg());
  } else if (!strcmp(pat, "chain")) {
    forkb_write(FORKB_CHAIN_PAGES, 1, 1);
    forkb_chain(forkb_arg());
  } else
    fail("forkb: unknown pattern %s", pat);
}
