/* The range operations cost the same whichever of 2,000 mappings they meet: munmap of the
   first, one in the middle and the last mapped, an mmap refused because it overlaps one of
   those, and the first-touch fault on one of them each cost within a factor of two (plus a
   small constant) of each other (each the least of a few rounds). With an argument `v` the cycle
   counts are printed; a second argument sets the number of mappings (at most 20,000). */
#include "lib/stdlib.h"
#include "tests/lib.h"
#include "tests/harden/cost.h"

const char *test_name = "cost-munmap";

#define MANY_MAX  20000
#define MANY_BASE 0x1000000000ULL
#define MANY_STEP (2 * 4096ULL)

static void *many_addr(int i) { return (void *)(MANY_BASE + (uint64_t)i * MANY_STEP); }

#define ROUNDS 5

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* Cycles of an mmap over mapping I, which must be refused. */
static uint64_t many_overlap(int fd, int i)
{
  uint64_t t0 = cost_rdtsc();
  void *p = mmap(many_addr(i), 4096, 0, fd, 0);
  uint64_t t = cost_rdtsc() - t0;
  REQUIRE(p == NULL, "mmap over mapping %d refused", i);
  return t;
}

/* Cycles of the first read of mapping I (a page fault served from the buffer cache). */
static uint64_t many_touch(int i)
{
  volatile const char *p = many_addr(i);
  uint64_t t0 = cost_rdtsc();
  char c = *p;
  uint64_t t = cost_rdtsc() - t0;
  REQUIRE(c == 'k', "mapping %d reads the file", i);
  return t;
}

/* Cycles of munmap of mapping I. */
static uint64_t many_unmap(int i)
{
  uint64_t t0 = cost_rdtsc();
  munmap(many_addr(i));
  return cost_rdtsc() - t0;
}

/* The least cost over ROUNDS rounds (a timer tick may land inside one) of a refused mmap
   over mapping I, of the fault of its first touch and of its munmap, in O, F and U.
   Mapping I is made again after each round. */
static void many_measure(int fd, int i, uint64_t *o, uint64_t *f, uint64_t *u)
{
  *o = *f = *u = UINT64_MAX;
  for (int r = 0; r < ROUNDS; r++) {
    *o = min_u64(*o, many_overlap(fd, i));
    *f = min_u64(*f, many_touch(i));
    *u = min_u64(*u, many_unmap(i));
    REQUIRE(mmap(many_addr(i), 4096, 0, fd, 0) == many_addr(i), "mmap %d again", i);
  }
}

/* Checks that the three costs in C are alike and prints them (verbose) as WHAT. */
static void many_judge(const char *what, const uint64_t c[3], bool verbose)
{
  uint64_t lo = c[0], hi = c[0];
  for (int i = 1; i < 3; i++) {
    lo = c[i] < lo ? c[i] : lo;
    hi = c[i] > hi ? c[i] : hi;
  }
  if (verbose)
    msg("cycles: %s first %llu, middle %llu, last %llu", what, (unsigned long long)c[0],
        (unsigned long long)c[1], (unsigned long long)c[2]);
  CHECK(hi <= 2 * lo + 2000, "%s of the first, middle and last mapping cost the same", what);
}

void test_main(void)
{
  bool verbose = test_argc > 1;
  int many = test_argc > 2 ? atoi(test_argv[2]) : 2000;
  REQUIRE(many >= 8 && many <= MANY_MAX, "between 8 and %d mappings", MANY_MAX);
  create_file("page", 0);
  int fd = open_file("page");
  write_all(fd, "k", 1, 0);
  for (int i = 0; i < many; i++)
    REQUIRE(mmap(many_addr(i), 4096, 0, fd, 0) == many_addr(i), "mmap %d", i);
  msg("%d mappings made", many);
  int at[3] = {0, many / 2, many - 1};
  uint64_t o[3], f[3], u[3];
  for (int k = 0; k < 3; k++)
    many_measure(fd, at[k], &o[k], &f[k], &u[k]);
  many_judge("refused mmap", o, verbose);
  many_judge("fault", f, verbose);
  many_judge("munmap", u, verbose);
  for (int i = 0; i < many; i++)
    munmap(many_addr(i));
  close(fd);
}
