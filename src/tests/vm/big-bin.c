/* Helper: a large executable (1 MiB of read-only data in the file, 8 MiB of bss) that
   touches only 3 pages of each. Checks that exec loaded nothing eagerly: the table and
   the bss are absent at start, and touching costs exactly 3 file and 3 zero faults.
   Exits 0 on success, or the number of the first failed check. */
#include "tests/vm/vm-util.h"
#include "tests/vm/table256.h"

const char *test_name = "big-bin";

static uint8_t bss[2048][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

struct page_list {
  const size_t *pages;
  size_t n;
};

static unsigned sum;

/* Reads the last byte of each listed table page and writes one byte in bss page 8 * P.
   The warm-up (page 0) and the measured run execute this same code. */
static void touch_pages(void *aux)
{
  const struct page_list *l = aux;
  const volatile uint8_t *t = (const volatile uint8_t *)bigtable;
  volatile uint8_t *b = (volatile uint8_t *)bss;
  for (size_t i = 0; i < l->n; i++) {
    sum += t[l->pages[i] * PAGE_SIZE + 4095];
    b[l->pages[i] * 8 * PAGE_SIZE] = 1;
  }
}

int main(void)
{
  struct pfstat d;
  size_t warm_pages[1] = {0}, measured_pages[3] = {7, 128, 255};
  struct page_list warm = {warm_pages, 1}, measured = {measured_pages, 3};
  if (pages_present(bigtable, sizeof bigtable) != 0)
    return 1;
  if (pages_present(bss, sizeof bss) != 0)
    return 2;
  pf_delta(touch_pages, &warm, &d);
  sum = 0;
  pf_delta(touch_pages, &measured, &d);
  if (d.file != 3 || d.zero != 3 || d.total != 6) {
    pf_print("fault delta", &d);
    return 3;
  }
  if (sum != (7 ^ 0x33) + (128 ^ 0x33) + (255 ^ 0x33))
    return 4;
  if (pages_present(bigtable, sizeof bigtable) != 4 || pages_present(bss, sizeof bss) != 4)
    return 5;
  return 0;
}
