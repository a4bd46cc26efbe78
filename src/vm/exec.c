/* Pages of the executable's PT_LOAD segments, read on first touch from the recorded ranges
   (several segments may share a page: each contributes its file bytes, zeros elsewhere).
   A clean page is dropped when evicted and read again; a written one becomes anonymous
   (writes to .data never reach the file) and goes to swap. */

#include "lib/string.h"
#include "threads/vaddr.h"
#include "vm/page.h"
#include "vm/range.h"
#include "vm/space.h"
#include "vm/swap.h"

struct exec_visit {
  const struct page *page;
  void (*fn)(const struct vm_range *, const struct page *, void *);
  void *aux;
};

static bool exec_visit_range(const struct vm_range *r, void *aux)
{
  const struct exec_visit *v = aux;
  if (r->ops == v->page->range->ops)
    v->fn(r, v->page, v->aux);
  return true;
}

/* Calls FN on each segment range of PAGE's space that overlaps PAGE (the ranges of its
   own range's kind). */
static void exec_each_segment(const struct page *page,
                              void (*fn)(const struct vm_range *, const struct page *, void *),
                              void *aux)
{
  struct exec_visit v = {page, fn, aux};
  range_each_meeting(&page->space->ranges, page->va, page->va + 1, exec_visit_range, &v);
}

/* The part of segment R's file bytes inside PAGE: [*LO, *HI) in user addresses. */
static void exec_file_part(const struct vm_range *r, const struct page *page, uint64_t *lo,
                           uint64_t *hi)
{
  uint64_t fend = r->seg.vaddr + r->seg.filesz;
  *lo = page->va > r->seg.vaddr ? page->va : r->seg.vaddr;
  *hi = page->va + PGSIZE < fend ? page->va + PGSIZE : fend;
}

static void exec_or_writable(const struct vm_range *r, const struct page *page, void *aux)
{
  (void)page;
  *(bool *)aux |= r->writable;
}

static void exec_init(struct page *page, const struct vm_range *range)
{
  (void)range;
  bool w = false;
  exec_each_segment(page, exec_or_writable, &w);
  page->writable = w;
  page->slot = SWAP_NONE;
}

static void exec_has_file(const struct vm_range *r, const struct page *page, void *aux)
{
  uint64_t lo, hi;
  exec_file_part(r, page, &lo, &hi);
  *(bool *)aux |= hi > lo;
}

static enum fault_kind exec_fault_kind(const struct page *page)
{
  bool file = false;
  exec_each_segment(page, exec_has_file, &file);
  return file ? FAULT_FILE : FAULT_ZERO;
}

struct exec_read {
  uint8_t *kva;
  bool ok;
};

static void exec_read_part(const struct vm_range *r, const struct page *page, void *aux)
{
  struct exec_read *rd = aux;
  uint64_t lo, hi;
  exec_file_part(r, page, &lo, &hi);
  if (hi <= lo)
    return;
  off_t len = (off_t)(hi - lo);
  off_t ofs = (off_t)(r->seg.file_ofs + (lo - r->seg.vaddr));
  if (file_read_at(page->space->exec_file, rd->kva + (lo - page->va), len, ofs) != len)
    rd->ok = false;
}

/* Needs: the space's executable open. False if a read came up short. */
static bool exec_fill(struct page *page, void *kva)
{
  struct exec_read rd = {kva, true};
  memset(kva, 0, PGSIZE);
  exec_each_segment(page, exec_read_part, &rd);
  return rd.ok;
}

/* Clean: the executable still has the contents. Written: the page turns anonymous. */
static enum evict_kind exec_evict(struct page *page, void *kva, bool dirty)
{
  if (!dirty)
    return EVICT_DROP;
  enum evict_kind k = vm_anon_ops.evict(page, kva, dirty);
  if (k != EVICT_FAIL)
    for (struct page *p = page; p != NULL; p = p->rmap_next)
      p->ops = &vm_anon_ops;
  return k;
}

static void exec_copy(struct page *dst, const struct page *src)
{
  (void)src;
  dst->slot = SWAP_NONE;
}

static void exec_destroy(struct page *page, void *kva, bool dirty)
{
  (void)page;
  (void)kva;
  (void)dirty;
}

const struct page_ops vm_exec_ops = {
    .init = exec_init,
    .fault_kind = exec_fault_kind,
    .fill = exec_fill,
    .evict = exec_evict,
    .copy = exec_copy,
    .destroy = exec_destroy,
    .shareable = true,
    .when_swap_full = FULL_SWAP_CLEAN,
};

/* ELF segments: they own nothing but their bounds, and may share pages with each other. */
const struct range_ops vm_segment_range = {
    .pages = &vm_exec_ops,
    .may_overlap = true,
};
