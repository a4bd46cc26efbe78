/* Fork of a process with 300 resident pages and 300 untouched ones. The child checks
   every byte of both (pattern and zeros), then overwrites everything; the parent then
   finds its own pages unchanged, and its untouched pages still not present: the child's
   faults never map pages into the parent. */
#include "tests/vm/vm-util.h"

const char *test_name = "fork-lazy";

#define RESIDENT  300
#define UNTOUCHED 300

static uint8_t resident[RESIDENT][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t untouched[UNTOUCHED][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static int child_check(void)
{
  for (size_t p = 0; p < RESIDENT; p++)
    for (size_t i = 0; i < PAGE_SIZE; i++)
      if (resident[p][i] != vm_pattern(p, i, 77))
        return 1;
  for (size_t p = 0; p < UNTOUCHED; p++)
    for (size_t i = 0; i < PAGE_SIZE; i++)
      if (untouched[p][i] != 0)
        return 2;
  memset(resident, 0xc1, sizeof resident);
  memset(untouched, 0xc2, sizeof untouched);
  return 0;
}

void test_main(void)
{
  for (size_t p = 0; p < RESIDENT; p++)
    for (size_t i = 0; i < PAGE_SIZE; i++)
      resident[p][i] = vm_pattern(p, i, 77);
  CHECK(pages_present(untouched, sizeof untouched) == 0, "untouched pages are not present");
  pid_t pid = fork("lazy-kid");
  if (pid == 0)
    exit(child_check());
  CHECK(wait(pid) == 0, "child saw every byte right");
  CHECK(pages_present(untouched, sizeof untouched) == 0, "untouched pages still not present");
  for (size_t p = 0; p < RESIDENT; p++)
    for (size_t i = 0; i < PAGE_SIZE; i++)
      REQUIRE(resident[p][i] == vm_pattern(p, i, 77), "parent page %zu changed", p);
  msg("parent's pages unchanged");
}
