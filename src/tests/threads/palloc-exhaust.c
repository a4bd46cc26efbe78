/* Drains the user pool and then the kernel pool one page at a time, checking that every
   page is page aligned, zeroed (PAL_ZERO) and distinct (each page is stamped with its
   sequence number; aliasing pages would overwrite each other's stamps), then frees
   everything and checks that palloc_get_usage is back where it started. Also checks that
   multi-page runs are contiguous and released. Output does not depend on the memory size. */
#include "tests/threads/tests.h"
#include "threads/palloc.h"
#include "threads/vaddr.h"

/* Each allocated page: word 0 links to the previously allocated page, word 1 holds the
   page's sequence number, word PGSIZE/8 - 1 its complement. */
struct page_stamp {
  void *prev;
  uint64_t seq;
};

static bool page_is_zero(const uint64_t *p)
{
  for (size_t i = 0; i < PGSIZE / 8; i++)
    if (p[i] != 0)
      return false;
  return true;
}

/* Allocates from POOL until it fails; returns the count and the last page (a chain). */
static size_t drain(enum palloc_flags pool, void **last)
{
  void *prev = NULL;
  size_t n = 0;
  void *p;
  while ((p = palloc_get_page(pool | PAL_ZERO)) != NULL) {
    uint64_t *w = p;
    CHECK(pg_ofs(p) == 0, "page %zu not aligned", n);
    CHECK(page_is_zero(w), "page %zu not zeroed", n);
    ((struct page_stamp *)p)->prev = prev;
    ((struct page_stamp *)p)->seq = n;
    w[PGSIZE / 8 - 1] = ~(uint64_t)n;
    prev = p;
    n++;
  }
  *last = prev;
  return n;
}

/* Walks the chain from LAST checking the stamps, freeing each page; returns the count. */
static size_t verify_and_free(void *last, size_t n)
{
  size_t seen = 0;
  while (last != NULL) {
    struct page_stamp *s = last;
    uint64_t *w = last;
    void *prev = s->prev;
    CHECK(s->seq == n - 1 - seen && w[PGSIZE / 8 - 1] == ~s->seq,
          "page stamp %llu overwritten: pages not distinct", (unsigned long long)s->seq);
    palloc_free_page(last);
    last = prev;
    seen++;
  }
  return seen;
}

static void exhaust_pool(enum palloc_flags pool, const char *name)
{
  struct palloc_usage before, full, after;
  void *last;
  size_t n;

  palloc_get_usage(&before);
  n = drain(pool, &last);
  palloc_get_usage(&full);
  if (pool & PAL_USER)
    CHECK(full.user_used == full.user_total && n == full.user_total - before.user_used,
          "user pool: %zu pages allocated, usage %zu of %zu", n, full.user_used, full.user_total);
  else
    CHECK(full.kernel_used == full.kernel_total && n == full.kernel_total - before.kernel_used,
          "kernel pool: %zu pages allocated, usage %zu of %zu", n, full.kernel_used,
          full.kernel_total);
  CHECK(n > 0, "%s pool empty", name);
  CHECK(palloc_get_page(pool) == NULL, "%s pool not exhausted", name);
  msg("%s pool exhausted: pages distinct and zeroed, usage matches", name);
  CHECK(verify_and_free(last, n) == n, "chain broken");
  palloc_get_usage(&after);
  CHECK(after.kernel_used == before.kernel_used && after.user_used == before.user_used,
        "%s pool not fully released", name);
  msg("%s pool released", name);
}

void test_palloc_exhaust(void)
{
  struct palloc_usage before, after;

  msg("begin");
  palloc_get_usage(&before);
  exhaust_pool(PAL_USER, "user");
  exhaust_pool(0, "kernel");

  /* Contiguous runs: every page of a run is writable at its own offset. */
  for (size_t cnt = 2; cnt <= 32; cnt *= 2) {
    uint8_t *run = palloc_get_multiple(PAL_USER | PAL_ZERO, cnt);
    CHECK(run != NULL, "no run of %zu pages", cnt);
    for (size_t i = 0; i < cnt; i++)
      run[i * PGSIZE + 7] = (uint8_t)i;
    for (size_t i = 0; i < cnt; i++)
      CHECK(run[i * PGSIZE + 7] == (uint8_t)i && run[i * PGSIZE] == 0, "run corrupted");
    palloc_free_multiple(run, cnt);
  }
  msg("contiguous runs ok");
  palloc_get_usage(&after);
  CHECK(after.kernel_used == before.kernel_used && after.user_used == before.user_used,
        "usage differs at the end");
  msg("end");
}
