/* Read-only data pages are loaded from the executable only when first touched. Of a
   64-page table none is present at start; reading two bytes in each of 10 chosen pages
   makes exactly those present, costs exactly 10 file faults and returns the file's
   bytes; the other pages stay absent. */
#include "tests/vm/vm-util.h"
#include "tests/vm/table64.h"

const char *test_name = "lazy-file";

static const size_t chosen[] = {1, 2, 3, 10, 17, 31, 32, 40, 50, 63};
#define NCHOSEN (sizeof chosen / sizeof chosen[0])

struct page_list {
  const size_t *pages;
  size_t n;
};

static unsigned sum;

/* Reads the first and last byte of each listed table page. The warm-up and the measured
   run execute this same code on lists held on the (already present) stack. */
static void read_pages(void *aux)
{
  const struct page_list *l = aux;
  const volatile uint8_t *t = (const volatile uint8_t *)table;
  for (size_t i = 0; i < l->n; i++)
    sum += t[l->pages[i] * 4096] + t[l->pages[i] * 4096 + 4095];
}

void test_main(void)
{
  struct pfstat d;
  size_t warm_pages[1] = {0}, measured_pages[NCHOSEN];
  memcpy(measured_pages, chosen, sizeof chosen);
  struct page_list warm = {warm_pages, 1}, measured = {measured_pages, NCHOSEN};
  CHECK(pages_present(table, sizeof table) == 0, "no page of the table is present at start");
  pf_delta(read_pages, &warm, &d);
  sum = 0;
  pf_delta(read_pages, &measured, &d);
  if (d.file != (long)NCHOSEN || d.total != (long)NCHOSEN)
    pf_print("fault delta", &d);
  CHECK(d.file == (long)NCHOSEN && d.total == (long)NCHOSEN, "%zu file faults for %zu pages",
        NCHOSEN, NCHOSEN);
  unsigned expect = 0;
  for (size_t i = 0; i < NCHOSEN; i++)
    expect += ((chosen[i] + 1) & 0xff) + ((chosen[i] ^ 0x33) & 0xff);
  CHECK(sum == expect, "bytes read match the file");
  size_t present = 0, wrong = 0;
  for (size_t p = 0; p < 64; p++) {
    bool want = p == 0;
    for (size_t i = 0; i < NCHOSEN; i++)
      want = want || chosen[i] == p;
    present += frame_of(table[p]) != 0;
    wrong += (frame_of(table[p]) != 0) != want;
  }
  CHECK(present == NCHOSEN + 1 && wrong == 0, "exactly the %zu touched pages are present",
        NCHOSEN + 1);
}
