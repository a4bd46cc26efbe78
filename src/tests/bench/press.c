/* Bench: memory-pressure workloads whose page reference string is known by construction;
   harness/vmbench/refstr.py rebuilds it from the same command line. Usage: press PATTERN ARGS
     seq N          one pass over pages 0..N-1
     loop N R       R cyclic passes over pages 0..N-1
     scan H C R     R rounds, each: the H hot pages 0..H-1, then C cold pages never
                    touched again (round r takes pages H+r*C .. H+(r+1)*C-1)
     skew N K SEED  K touches, 80% of them on the first N/5 pages (press_rng_skew)
     rand N K SEED  K touches spread evenly over pages 0..N-1
     spin N R D     as loop, with D register-only iterations of work after each touch
     two N R D      two children each running `press spin N R D` at the same time (D long
                    enough that their loops overlap across many time slices)
     cost F         cycles of faults without eviction, with a swap-out, with a swap-in,
                    for a user pool of F frames
   A touch is one store to the first byte of a page of a page-aligned bss array. Each
   pattern's loop is alone in its own page-aligned code page and keeps its state in
   registers, so between two touches the only other page it references is that code page.
   The loop reads its counters with an inline pfstat at its start and end; the printed
   delta ("loop faults: ...") counts the loop's own faults only. */
#include "tests/bench/pfdiff.h"
#include "tests/bench/press-rng.h"
#include "tests/lib.h"

const char *test_name = "press";

#define PRESS_PAGES 1024
#define PRESS_LOOP  __attribute__((noinline, noclone, aligned(PAGE_SIZE)))

static uint8_t press_area[PRESS_PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct pfstat press_stat[2] __attribute__((aligned(PAGE_SIZE)));
static uint64_t press_cycles[3];

static inline __attribute__((always_inline)) void press_touch(uint64_t page)
{
  *(volatile uint8_t *)&press_area[page][0] = 1;
}

/* pfstat without a call, so the loop's code page stays the only page it executes from. */
static inline __attribute__((always_inline)) void press_snapshot(struct pfstat *out)
{
  long ret;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"((long)SYS_PFSTAT), "D"(out)
                   : "rcx", "r11", "memory");
}

static inline __attribute__((always_inline)) uint64_t press_rdtsc(void)
{
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((uint64_t)hi << 32) | lo;
}

static PRESS_LOOP void press_run_seq(uint64_t n)
{
  press_snapshot(&press_stat[0]);
  for (uint64_t p = 0; p < n; p++)
    press_touch(p);
  press_snapshot(&press_stat[1]);
}

static PRESS_LOOP void press_run_loop(uint64_t n, uint64_t rounds)
{
  press_snapshot(&press_stat[0]);
  for (uint64_t r = 0; r < rounds; r++)
    for (uint64_t p = 0; p < n; p++)
      press_touch(p);
  press_snapshot(&press_stat[1]);
}

static PRESS_LOOP void press_run_scan(uint64_t hot, uint64_t cold, uint64_t rounds)
{
  press_snapshot(&press_stat[0]);
  for (uint64_t r = 0; r < rounds; r++) {
    for (uint64_t p = 0; p < hot; p++)
      press_touch(p);
    for (uint64_t p = hot + r * cold; p < hot + (r + 1) * cold; p++)
      press_touch(p);
  }
  press_snapshot(&press_stat[1]);
}

static PRESS_LOOP void press_run_skew(uint64_t n, uint64_t count, uint64_t seed)
{
  uint64_t hot = n / 5;
  press_snapshot(&press_stat[0]);
  for (uint64_t k = 0; k < count; k++)
    press_touch(press_rng_skew(press_rng_next(&seed), n, hot));
  press_snapshot(&press_stat[1]);
}

static PRESS_LOOP void press_run_rand(uint64_t n, uint64_t count, uint64_t seed)
{
  press_snapshot(&press_stat[0]);
  for (uint64_t k = 0; k < count; k++)
    press_touch((press_rng_next(&seed) >> 32) % n);
  press_snapshot(&press_stat[1]);
}

/* Also stores the TSC at the loop's start and end in press_cycles[0..1] (after the second
   snapshot), so that `two` can tell how much its children's loops overlapped in time. */
static PRESS_LOOP void press_run_spin(uint64_t n, uint64_t rounds, uint64_t work)
{
  press_snapshot(&press_stat[0]);
  uint64_t t0 = press_rdtsc();
  for (uint64_t r = 0; r < rounds; r++)
    for (uint64_t p = 0; p < n; p++) {
      uint64_t left = work;
      press_touch(p);
      __asm__ volatile("1: dec %0\n\tjnz 1b" : "+r"(left));
    }
  uint64_t t1 = press_rdtsc();
  press_snapshot(&press_stat[1]);
  press_cycles[0] = t0;
  press_cycles[1] = t1;
}

/* Sums into press_cycles[slot] the cycles of touching pages FIRST..LAST-1, one rdtsc pair
   around each store (the fault, if any, happens between them). */
static PRESS_LOOP void press_run_timed(uint64_t first, uint64_t last, int slot)
{
  uint64_t sum = 0;
  for (uint64_t p = first; p < last; p++) {
    uint64_t t0 = press_rdtsc();
    press_touch(p);
    sum += press_rdtsc() - t0;
  }
  press_cycles[slot] = sum;
}

/* Ends the page of the last loop, so library code linked after this file never shares a
   code page with a loop. */
PRESS_LOOP void press_end_of_loops(void) {}

static uint64_t press_arg(int i, uint64_t max)
{
  REQUIRE(i < test_argc, "press %s: argument %d missing", test_argv[1], i - 1);
  uint64_t v = 0;
  for (const char *s = test_argv[i]; *s; s++) {
    REQUIRE(*s >= '0' && *s <= '9', "press: argument %d is not a number", i - 1);
    v = v * 10 + (uint64_t)(*s - '0');
  }
  REQUIRE(v >= 1 && v <= max, "press: argument %d out of range 1..%llu", i - 1,
          (unsigned long long)max);
  return v;
}

static void press_print_delta(const char *label)
{
  struct pfstat d;
  bench_pf_diff(&press_stat[0], &press_stat[1], &d);
  pf_print(label, &d);
}

/* Two children run `press spin N R WORK` at the same time; each prints its delta. */
static void press_two(uint64_t n, uint64_t rounds, uint64_t work)
{
  char cmd[64];
  snprintf(cmd, sizeof cmd, "press spin %llu %llu %llu", (unsigned long long)n,
           (unsigned long long)rounds, (unsigned long long)work);
  pid_t a = spawn("press-a", cmd);
  pid_t b = spawn("press-b", cmd);
  REQUIRE(wait(a) == 0 && wait(b) == 0, "both children finished");
}

/* Fault costs with F user frames: pages 0..F/2-1 fault with frames free; pages 2F..3F-1
   fault when every frame holds a dirty page (each evicts one to swap); pages 0..F/2-1
   again were swapped out long before (each swaps in and evicts one dirty page). */
static void press_cost(uint64_t frames)
{
  uint64_t half = frames / 2;
  REQUIRE(3 * frames <= PRESS_PAGES, "press cost: at most %d frames", PRESS_PAGES / 3);
  press_run_timed(0, half, 0);
  press_run_timed(half, 2 * frames, 1);
  press_run_timed(2 * frames, 3 * frames, 1);
  press_run_timed(0, half, 2);
  msg("cost: %llu touches with free frames: %llu cycles", (unsigned long long)half,
      (unsigned long long)press_cycles[0]);
  msg("cost: %llu touches evicting a dirty page: %llu cycles", (unsigned long long)frames,
      (unsigned long long)press_cycles[1]);
  msg("cost: %llu touches of swapped-out pages: %llu cycles", (unsigned long long)half,
      (unsigned long long)press_cycles[2]);
}

void test_main(void)
{
  REQUIRE(test_argc >= 2, "usage: press seq|loop|scan|skew|rand|two|cost ARGS");
  const char *pat = test_argv[1];
  memset(press_stat, 0, sizeof press_stat); /* resident before a loop's code page */
  if (!strcmp(pat, "seq"))
    press_run_seq(press_arg(2, PRESS_PAGES));
  else if (!strcmp(pat, "loop"))
    press_run_loop(press_arg(2, PRESS_PAGES), press_arg(3, 1000));
  else if (!strcmp(pat, "spin")) {
    press_run_spin(press_arg(2, PRESS_PAGES), press_arg(3, 1000), press_arg(4, 1000000));
    msg("loop window: %llu %llu", (unsigned long long)press_cycles[0],
        (unsigned long long)press_cycles[1]);
  } else if (!strcmp(pat, "scan")) {
    uint64_t hot = press_arg(2, PRESS_PAGES), cold = press_arg(3, PRESS_PAGES);
    uint64_t rounds = press_arg(4, PRESS_PAGES);
    REQUIRE(hot + cold * rounds <= PRESS_PAGES, "press scan: at most %d pages", PRESS_PAGES);
    press_run_scan(hot, cold, rounds);
  } else if (!strcmp(pat, "skew") || !strcmp(pat, "rand")) {
    uint64_t n = press_arg(2, PRESS_PAGES), k = press_arg(3, 1000000);
    uint64_t seed = press_arg(4, ~0ULL);
    REQUIRE(n >= 5, "press %s: at least 5 pages", pat);
    if (pat[0] == 's')
      press_run_skew(n, k, seed);
    else
      press_run_rand(n, k, seed);
  } else if (!strcmp(pat, "two")) {
    press_two(press_arg(2, PRESS_PAGES), press_arg(3, 1000), press_arg(4, 1000000));
    return;
  } else if (!strcmp(pat, "cost")) {
    press_cost(press_arg(2, PRESS_PAGES));
    return;
  } else
    fail("press: unknown pattern %s", pat);
  press_print_delta("loop faults");
}
