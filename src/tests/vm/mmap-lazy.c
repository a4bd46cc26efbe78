/* A mapping is filled lazily: no page of an 8-page mapping is present after mmap;
   reading 3 of them costs exactly 3 file faults and makes exactly those present. */
#include "tests/vm/vm-util.h"

const char *test_name = "mmap-lazy";

#define MAP_AT ((uint8_t *)0x10000000)
#define PAGES  8

struct page_list {
  const size_t *pages;
  size_t n;
};

static unsigned sum;

/* Reads one byte of each listed page of the mapping; warm-up and measured runs share it. */
static void read_pages(void *aux)
{
  const struct page_list *l = aux;
  const volatile uint8_t *m = MAP_AT;
  for (size_t i = 0; i < l->n; i++)
    sum += m[l->pages[i] * PAGE_SIZE + 9];
}

void test_main(void)
{
  static uint8_t data[PAGES * PAGE_SIZE];
  struct pfstat d;
  for (size_t p = 0; p < PAGES; p++)
    data[p * PAGE_SIZE + 9] = (uint8_t)(p + 1);
  create_file("lazymap", 0);
  int fd = open_file("lazymap");
  write_all(fd, data, sizeof data, 0);
  CHECK(mmap(MAP_AT, sizeof data, 0, fd, 0) == MAP_AT, "mapped 8 pages");
  CHECK(pages_present(MAP_AT, sizeof data) == 0, "no page is present after mmap");
  size_t warm_pages[1] = {0}, measured_pages[3] = {2, 5, 7};
  struct page_list warm = {warm_pages, 1}, measured = {measured_pages, 3};
  pf_delta(read_pages, &warm, &d);
  sum = 0;
  pf_delta(read_pages, &measured, &d);
  if (d.file != 3 || d.total != 3)
    pf_print("fault delta", &d);
  CHECK(d.file == 3 && d.total == 3, "3 file faults for 3 pages");
  CHECK(sum == 3 + 6 + 8, "bytes read match the file");
  CHECK(pages_present(MAP_AT, sizeof data) == 4, "exactly the 4 touched pages are present");
  munmap(MAP_AT);
  close(fd);
}
