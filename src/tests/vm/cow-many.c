/* Many children of one large parent under memory pressure: the parent writes 400 pages
   (a 256-page user pool, 10 MB of RAM, swap) and forks four children at once; child K
   rewrites quarter K and verifies all 400 pages, then exits while its siblings are still
   faulting on the frames they share. The parent verifies its own bytes last. */
#include "tests/vm/vm-util.h"

const char *test_name = "cow-many";

#define PAGES 400
#define KIDS  4
#define WORDS (PAGE_SIZE / sizeof(uint64_t))

static uint64_t area[PAGES][WORDS] __attribute__((aligned(PAGE_SIZE)));

static uint64_t word_of(size_t p, size_t w, unsigned salt) { return (p << 24) ^ (w * 131) ^ salt; }

/* Salt page P should hold for KID (KIDS = the parent, which rewrites nothing). */
static unsigned salt_of(size_t p, int kid)
{
  return kid < KIDS && p / (PAGES / KIDS) == (size_t)kid ? 100 + (unsigned)kid : 1;
}

static bool check_all(int kid)
{
  for (size_t p = 0; p < PAGES; p++)
    for (size_t w = 0; w < WORDS; w++)
      if (area[p][w] != word_of(p, w, salt_of(p, kid)))
        return false;
  return true;
}

void test_main(void)
{
  for (size_t p = 0; p < PAGES; p++)
    for (size_t w = 0; w < WORDS; w++)
      area[p][w] = word_of(p, w, 1);
  pid_t pids[KIDS];
  for (int k = 0; k < KIDS; k++) {
    pids[k] = fork("kid");
    if (pids[k] == 0) {
      for (size_t p = (size_t)k * (PAGES / KIDS); p < (size_t)(k + 1) * (PAGES / KIDS); p++)
        for (size_t w = 0; w < WORDS; w++)
          area[p][w] = word_of(p, w, salt_of(p, k));
      exit(check_all(k) ? 0 : 1);
    }
    REQUIRE(pids[k] > 0, "fork %d", k);
  }
  for (int k = 0; k < KIDS; k++)
    CHECK(wait(pids[k]) == 0, "child %d verified all pages", k);
  CHECK(check_all(KIDS), "parent's pages unchanged");
}
