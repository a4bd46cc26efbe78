#include "threads/palloc.h"
#include <stdbool.h>
#include "lib/debug.h"
#include "threads/bitmap.h"
#include "threads/e820.h"
#include "threads/failinject.h"
#include "threads/interrupt.h"
#include "threads/vaddr.h"

/* Physical pages come from the E820 usable ranges above the kernel image and below
   PALLOC_PHYS_CAP (the part of RAM mmu_init maps at KERN_BASE). In address order, the
   first pages hold the pools' bitmaps, then come the kernel pool's pages, then the user
   pool's. Each pool's bitmap covers its whole physical span; pages of the span that are
   not usable RAM ("holes", e.g. 0x9F000..0x100000) are marked used forever and are not
   counted in the pool's size. Allocation is first-fit, so it is deterministic. */

#define PALLOC_PHYS_CAP   (4ULL << 30)
#define PALLOC_MAX_RANGES 32

/* A run of free physical memory [start, end), page aligned. */
struct palloc_range {
  uint64_t start, end;
};

struct pool {
  struct bitmap *used; /* bit I set: page base + I * PGSIZE is allocated or a hole */
  uint64_t base;       /* physical address of bit 0 */
  size_t span;         /* bits in USED */
  size_t total;        /* usable pages */
  size_t used_cnt;     /* allocated usable pages */
  size_t hint;         /* every bit below HINT is set */
};

static struct pool kernel_pool, user_pool;
/* Usable RAM the pools were carved from, to reject frees of hole pages. */
static struct palloc_range usable[PALLOC_MAX_RANGES];
static size_t usable_cnt;
uint64_t palloc_ram_bytes;

#ifdef HOST_TEST
extern uint64_t palloc_host_kernel_end_pa;
#define PALLOC_KERNEL_END_PA palloc_host_kernel_end_pa
#else
extern char _kernel_start[], _kernel_end[];
#define PALLOC_KERNEL_END_PA vtop(_kernel_end)
#endif

/* Fills PAGE_CNT pages at KPAGE with zeros (REP STOSQ: SDM vol. 2, STOS). */
static void palloc_zero(void *kpage, size_t page_cnt)
{
  uint64_t cnt = page_cnt * (PGSIZE / 8);
  __asm__ volatile("rep stosq" : "+D"(kpage), "+c"(cnt) : "a"(0ULL) : "memory");
}

/* Reads the E820 map into RANGES (sorted, clipped to [kernel end, PALLOC_PHYS_CAP), page
   aligned, non-overlapping), sets palloc_ram_bytes and returns the number of ranges. */
static size_t palloc_read_e820(struct palloc_range *ranges)
{
  uint32_t cnt = e820_count();
  uint64_t floor = (PALLOC_KERNEL_END_PA + PGMASK) & ~PGMASK;
  size_t n = 0;
  uint32_t i;

  palloc_ram_bytes = 0;
  for (i = 0; i < cnt; i++) {
    struct e820_range r = e820_get(i);
    uint64_t start, end;
    size_t j;
    if (r.type == E820_USABLE || r.type == E820_ACPI_RECLAIM)
      palloc_ram_bytes += r.length;
    if (r.type != E820_USABLE)
      continue;
    start = (r.base + PGMASK) & ~PGMASK;
    end = (r.base + r.length) & ~PGMASK;
    if (start < floor)
      start = floor;
    if (end > PALLOC_PHYS_CAP)
      end = PALLOC_PHYS_CAP;
    if (start >= end || n == PALLOC_MAX_RANGES)
      continue;
    for (j = n; j > 0 && ranges[j - 1].start > start; j--)
      ranges[j] = ranges[j - 1];
    ranges[j].start = start;
    ranges[j].end = end;
    n++;
  }
  for (i = 1; i < n; i++) {
    if (ranges[i].start < ranges[i - 1].end)
      ranges[i].start = ranges[i - 1].end;
    if (ranges[i].end < ranges[i].start)
      ranges[i].end = ranges[i].start;
  }
  return n;
}

/* Physical address just past the first PAGE_CNT free pages of RANGES at or after FROM;
   with PAGE_CNT == 0, the first free address at or after FROM. */
static uint64_t palloc_advance(const struct palloc_range *ranges, size_t n, uint64_t from,
                               size_t page_cnt)
{
  size_t i;
  for (i = 0; i < n; i++) {
    uint64_t start = ranges[i].start > from ? ranges[i].start : from;
    size_t avail;
    if (start >= ranges[i].end)
      continue;
    avail = (ranges[i].end - start) / PGSIZE;
    if (page_cnt <= avail)
      return start + page_cnt * PGSIZE;
    page_cnt -= avail;
    from = ranges[i].end;
  }
  return from;
}

/* Sets up POOL over physical [START, END) with its bitmap in STORAGE (SIZE bytes); the parts
   of the span outside RANGES become holes. */
static void palloc_pool_init(struct pool *pool, const struct palloc_range *ranges, size_t n,
                             uint64_t start, uint64_t end, void *storage, size_t size)
{
  uint64_t cursor = start;
  size_t i;

  pool->base = start;
  pool->span = (end - start) / PGSIZE;
  pool->used = bitmap_create_in_buf(pool->span, storage, size);
  pool->total = pool->span;
  pool->used_cnt = 0;
  pool->hint = 0;
  for (i = 0; i <= n && cursor < end; i++) {
    uint64_t hole_end = i < n ? ranges[i].start : end;
    if (hole_end > end)
      hole_end = end;
    if (hole_end > cursor) {
      size_t first = (cursor - start) / PGSIZE, cnt = (hole_end - cursor) / PGSIZE;
      bitmap_set_multiple(pool->used, first, cnt, true);
      pool->total -= cnt;
    }
    if (i < n && ranges[i].end > cursor)
      cursor = ranges[i].end;
  }
}

/* Carves the pools out of the E820 map. The user pool gets half of the free pages, at
   most USER_PAGE_LIMIT; the kernel pool the rest. Touches only the bitmaps, never the
   pages themselves. Must run after mmu_init (the pools may lie above what the boot loader
   mapped) and before anything allocates. */
void palloc_init(size_t user_page_limit)
{
  struct palloc_range *ranges = usable;
  size_t n = palloc_read_e820(ranges);
  size_t free_cnt = 0, meta_pages, user_cnt, kernel_cnt, kernel_bm, user_bm;
  uint64_t meta_start, kernel_start, kernel_end, user_start, user_end;
  size_t i;

  for (i = 0; i < n; i++)
    free_cnt += (ranges[i].end - ranges[i].start) / PGSIZE;
  if (n == 0)
    PANIC("palloc: no usable memory in the E820 map");
  usable_cnt = n;
  /* Each bitmap covers at most the whole span of the ranges. */
  kernel_bm = bitmap_buf_size((ranges[n - 1].end - ranges[0].start) / PGSIZE);
  kernel_bm = (kernel_bm + 15) & ~(size_t)15;
  user_bm = kernel_bm;
  meta_pages = (kernel_bm + user_bm + PGMASK) / PGSIZE;
  /* The bitmaps go at the start of the first range long enough to hold them, which then
     loses those pages (so they count as a hole of whichever pool spans them). */
  for (i = 0; i < n && (ranges[i].end - ranges[i].start) / PGSIZE < meta_pages; i++)
    continue;
  if (i == n || free_cnt <= meta_pages)
    PANIC("palloc: too little memory");
  meta_start = ranges[i].start;
  ranges[i].start += meta_pages * PGSIZE;
  free_cnt -= meta_pages;
  user_cnt = free_cnt / 2;
  if (user_cnt > user_page_limit)
    user_cnt = user_page_limit;
  kernel_cnt = free_cnt - user_cnt;

  kernel_start = palloc_advance(ranges, n, ranges[0].start, 0);
  kernel_end = palloc_advance(ranges, n, kernel_start, kernel_cnt);
  user_start = palloc_advance(ranges, n, kernel_end, 0);
  user_end = palloc_advance(ranges, n, user_start, user_cnt);
  if (user_cnt == 0)
    user_start = user_end = kernel_end;

  palloc_pool_init(&kernel_pool, ranges, n, kernel_start, kernel_end, ptov(meta_start), kernel_bm);
  palloc_pool_init(&user_pool, ranges, n, user_start, user_end,
                   (char *)ptov(meta_start) + kernel_bm, user_bm);
  ASSERT(kernel_pool.total == kernel_cnt && user_pool.total == user_cnt);
}

/* Allocates PAGE_CNT physically contiguous pages from the pool FLAGS selects and returns
   the kernel address of the first, or NULL (PANIC with PAL_ASSERT). The lowest fitting run
   wins. Interrupts are off only during the bitmap search. */
void *palloc_get_multiple(enum palloc_flags flags, size_t page_cnt)
{
  struct pool *pool = (flags & PAL_USER) ? &user_pool : &kernel_pool;
  enum intr_level old;
  size_t idx;
  void *pages = NULL;

  if (page_cnt == 0)
    return NULL;
  if (!(flags & PAL_ASSERT) &&
      failinject_should_fail((flags & PAL_USER) ? FAILINJECT_FRAME : FAILINJECT_KPAGE))
    return NULL;
  old = intr_disable();
  idx = pool->used != NULL ? bitmap_scan_and_flip(pool->used, pool->hint, page_cnt, false)
                           : BITMAP_ERROR;
  if (idx != BITMAP_ERROR) {
    pool->used_cnt += page_cnt;
    if (idx == pool->hint || page_cnt == 1)
      pool->hint = idx + page_cnt;
    pages = ptov(pool->base + idx * PGSIZE);
  }
  intr_set_level(old);

  if (pages == NULL) {
    if (flags & PAL_ASSERT)
      PANIC("palloc: out of %s pages (%zu wanted)", (flags & PAL_USER) ? "user" : "kernel",
            page_cnt);
    return NULL;
  }
  if (flags & PAL_ZERO)
    palloc_zero(pages, page_cnt);
  return pages;
}

void *palloc_get_page(enum palloc_flags flags) { return palloc_get_multiple(flags, 1); }

/* Pool owning the PAGE_CNT pages at physical address PA, or NULL if they are not all in one
   usable range (holes, boot memory, the bitmaps) or not all in one pool. */
static struct pool *palloc_pool_of(uint64_t pa, size_t page_cnt)
{
  uint64_t end = pa + page_cnt * PGSIZE;
  struct pool *pools[2] = {&kernel_pool, &user_pool};
  size_t i;

  for (i = 0; i < usable_cnt; i++)
    if (pa >= usable[i].start && pa < usable[i].end)
      break;
  if (i == usable_cnt || end > usable[i].end)
    return NULL;
  for (i = 0; i < 2; i++)
    if (pa >= pools[i]->base && end <= pools[i]->base + pools[i]->span * PGSIZE)
      return pools[i];
  return NULL;
}

/* Returns PAGE_CNT pages starting at PAGES (from palloc_get_multiple) to their pool. Panics
   on a page that is not allocated (double free) or not from a pool. */
void palloc_free_multiple(void *pages, size_t page_cnt)
{
  uint64_t pa;
  struct pool *pool;
  enum intr_level old;
  size_t idx;

  if (pages == NULL || page_cnt == 0)
    return;
  ASSERT(pg_ofs(pages) == 0);
  pa = vtop(pages);
  ASSERT(page_cnt <= SIZE_MAX / PGSIZE);
  pool = palloc_pool_of(pa, page_cnt);
  ASSERT(pool != NULL);
  idx = (pa - pool->base) / PGSIZE;

  old = intr_disable();
  ASSERT(bitmap_count(pool->used, idx, page_cnt, true) == page_cnt);
  bitmap_set_multiple(pool->used, idx, page_cnt, false);
  pool->used_cnt -= page_cnt;
  if (idx < pool->hint)
    pool->hint = idx;
  intr_set_level(old);
}

void palloc_free_page(void *page) { palloc_free_multiple(page, 1); }

/* Snapshot of both pools' sizes and usage, in pages. */
/* Guarantees: *BASE_PA = physical address of the user pool's first page (used or hole) and
   *SPAN = pages from there to the end of the pool, so every user page has an index
   (pa - base) / PGSIZE below SPAN. */
void palloc_user_span(uint64_t *base_pa, size_t *span)
{
  *base_pa = user_pool.base;
  *span = user_pool.span;
}

void palloc_get_usage(struct palloc_usage *u)
{
  enum intr_level old = intr_disable();
  u->kernel_used = kernel_pool.used_cnt;
  u->kernel_total = kernel_pool.total;
  u->user_used = user_pool.used_cnt;
  u->user_total = user_pool.total;
  intr_set_level(old);
}
