/* A 2 MiB bss array written page by page, then verified. Writing it costs exactly one
   zero-fill fault per page and nothing else (no swap configured for this test). */
#include "tests/vm/vm-util.h"

const char *test_name = "page-linear";

#define PAGES 512

static uint8_t area[PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

struct range {
  size_t first, count;
};

static void write_pages(void *aux)
{
  const struct range *r = aux;
  for (size_t p = r->first; p < r->first + r->count; p++)
    for (size_t i = 0; i < PAGE_SIZE; i++)
      area[p][i] = vm_pattern(p, i, 1);
}

void test_main(void)
{
  struct pfstat d;
  struct range warm = {0, 1}, rest = {1, PAGES - 1};
  CHECK(pages_present(area, sizeof area) == 0, "no page of the array is present yet");
  pf_delta(write_pages, &warm, &d);
  pf_delta(write_pages, &rest, &d);
  CHECK(d.zero == PAGES - 1 && d.total == PAGES - 1, "writing %d pages took %d zero-fill faults",
        PAGES - 1, PAGES - 1);
  for (size_t p = 0; p < PAGES; p++)
    for (size_t i = 0; i < PAGE_SIZE; i++)
      REQUIRE(area[p][i] == vm_pattern(p, i, 1), "page %zu byte %zu is wrong", p, i);
  msg("all %d pages read back", PAGES);
}
