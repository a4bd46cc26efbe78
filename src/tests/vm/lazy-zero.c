/* Bss pages get a frame only when first touched: of 64 pages none is present at start;
   touching 6 of them (half first read, half first written) makes exactly those present
   at the cost of exactly 6 zero-fill faults, and fresh pages read as zero. */
#include "tests/vm/vm-util.h"

const char *test_name = "lazy-zero";

static uint8_t area[64][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static const size_t chosen[] = {5, 6, 20, 33, 48, 62};
#define NCHOSEN (sizeof chosen / sizeof chosen[0])

struct page_list {
  const size_t *pages;
  size_t n;
};

static unsigned nonzero;

/* Touches each listed page: even entries read first then write, odd ones write first then
   read. The warm-up (pages 0 and 1) and the measured run execute this same code. */
static void touch_pages(void *aux)
{
  const struct page_list *l = aux;
  volatile uint8_t *a = (volatile uint8_t *)area;
  for (size_t i = 0; i < l->n; i++) {
    size_t p = l->pages[i];
    if (i % 2 == 0) {
      nonzero += a[p * PAGE_SIZE + 100] != 0;
      a[p * PAGE_SIZE + 100] = (uint8_t)p;
    } else {
      a[p * PAGE_SIZE + 4000] = (uint8_t)p;
      nonzero += a[p * PAGE_SIZE + 3999] != 0;
    }
  }
}

void test_main(void)
{
  struct pfstat d;
  size_t warm_pages[2] = {0, 1}, measured_pages[NCHOSEN];
  memcpy(measured_pages, chosen, sizeof chosen);
  struct page_list warm = {warm_pages, 2}, measured = {measured_pages, NCHOSEN};
  CHECK(pages_present(area, sizeof area) == 0, "no bss page is present at start");
  pf_delta(touch_pages, &warm, &d);
  pf_delta(touch_pages, &measured, &d);
  /* A kernel may map a shared zero page on a read and copy it on the later write, so only
     the zero-fill count is exact; file, stack and swap faults must not happen. */
  if (d.zero != (long)NCHOSEN || d.file != 0 || d.stack != 0 || d.swapin != 0)
    pf_print("fault delta", &d);
  CHECK(d.zero == (long)NCHOSEN && d.file == 0 && d.stack == 0 && d.swapin == 0,
        "%zu zero-fill faults for %zu pages", NCHOSEN, NCHOSEN);
  CHECK(nonzero == 0, "fresh pages read as zero");
  size_t present = 0, wrong = 0;
  for (size_t p = 0; p < 64; p++) {
    bool want = p <= 1;
    for (size_t i = 0; i < NCHOSEN; i++)
      want = want || chosen[i] == p;
    present += frame_of(area[p]) != 0;
    wrong += (frame_of(area[p]) != 0) != want;
  }
  CHECK(present == NCHOSEN + 2 && wrong == 0, "exactly the %zu touched pages are present",
        NCHOSEN + 2);
  for (size_t i = 0; i < NCHOSEN; i++)
    REQUIRE(area[chosen[i]][i % 2 ? 4000 : 100] == chosen[i], "page %zu lost its write", chosen[i]);
  msg("writes kept");
}
