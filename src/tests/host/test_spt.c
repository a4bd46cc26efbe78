/* Host unit test of the supplemental page table (vm/spt.c): insert, find, remove, growth
   past the initial buckets, removal while walking, and tear-down to empty.
   Build: gcc -Isrc -DHOST_TEST -O1 -g src/tests/host/test_spt.c -o test_spt */
#define off_t libc_off_t
#include "tests/host/kernel_env.h"
#undef off_t
#include "vm/spt.c"

#define N 5000

static struct page pages[N];

static bool count_page(struct page *p, void *aux)
{
  (void)p;
  ++*(size_t *)aux;
  return true;
}

/* Removes every page whose va is an odd page number (spt_each may remove the given one). */
static bool remove_odd(struct page *p, void *aux)
{
  if ((p->va >> PGBITS) & 1)
    spt_remove(aux, p);
  return true;
}

int main(void)
{
  struct spt t;
  CHECK(spt_init(&t));
  CHECK(spt_any(&t) == NULL);
  /* Sparse addresses like a real process: code, heap, stack. */
  for (size_t i = 0; i < N; i++) {
    uint64_t base = i % 3 == 0 ? 0x400000 : i % 3 == 1 ? 0x10000000 : 0x47000000;
    pages[i].va = base + (i / 3) * PGSIZE * 2 + (i % 2) * PGSIZE;
  }
  size_t inserted = 0;
  for (size_t i = 0; i < N; i++)
    if (spt_find(&t, pages[i].va) == NULL) {
      spt_insert(&t, &pages[i]);
      inserted++;
    }
  CHECK(t.page_cnt == inserted);
  CHECK(t.bucket_cnt > 32); /* grew */
  CHECK(t.page_cnt <= 2 * t.bucket_cnt);
  for (size_t i = 0; i < N; i++) {
    struct page *p = spt_find(&t, pages[i].va);
    CHECK(p != NULL && p->va == pages[i].va);
  }
  CHECK(spt_find(&t, 0x5000) == NULL);
  CHECK(spt_find(&t, 0x8000000000ULL) == NULL);

  size_t seen = 0;
  CHECK(spt_each(&t, count_page, &seen));
  CHECK(seen == inserted);

  spt_each(&t, remove_odd, &t);
  for (size_t i = 0; i < N; i++) {
    struct page *p = spt_find(&t, pages[i].va);
    CHECK(((pages[i].va >> PGBITS) & 1) ? p == NULL : p != NULL);
  }
  seen = 0;
  spt_each(&t, count_page, &seen);
  CHECK(seen == t.page_cnt);

  struct page *p;
  while ((p = spt_any(&t)) != NULL)
    spt_remove(&t, p);
  CHECK(t.page_cnt == 0);
  spt_free(&t);
  return host_finish("test_spt");
}
