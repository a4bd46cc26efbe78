/* 256 pages of bss visited in a fixed pseudo-random order, several times, with writes
   and reads interleaved; checks every page's contents at the end. Every 16th byte of a
   page is written and checked, which keeps the run short. */
#include "tests/vm/vm-util.h"

const char *test_name = "page-shuffle";

#define PAGES 256

static uint8_t area[PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint32_t version[PAGES];

void test_main(void)
{
  random_init(0x5eed);
  for (int step = 0; step < 4000; step++) {
    size_t p = random_u64() % PAGES;
    size_t ofs = random_u64() % PAGE_SIZE / 16 * 16;
    if (version[p] != 0)
      REQUIRE(area[p][ofs] == vm_pattern(p, ofs, version[p]), "page %zu is stale", p);
    version[p]++;
    for (size_t i = 0; i < PAGE_SIZE; i += 16)
      area[p][i] = vm_pattern(p, i, version[p]);
  }
  size_t touched = 0;
  for (size_t p = 0; p < PAGES; p++) {
    for (size_t i = 0; i < PAGE_SIZE; i += 16)
      REQUIRE(area[p][i] == (version[p] ? vm_pattern(p, i, version[p]) : 0),
              "page %zu byte %zu is wrong", p, i);
    touched += version[p] != 0;
  }
  CHECK(touched == PAGES, "every page was visited and holds its last contents");
}
