/* Address spaces: page table, supplemental page table, ranges (ELF segments, mmap regions,
   the stack reservation) whose pages get records only on first touch, and fork copies.
   Every operation here runs under the space's lock. */

#include "lib/string.h"
#include "threads/interrupt.h"
#include "threads/malloc.h"
#include "threads/mmu.h"
#include "threads/vaddr.h"
#include "vm/fork.h"
#include "vm/frame.h"
#include "vm/frame_wait.h"
#include "vm/inherit.h"
#include "vm/page.h"
#include "vm/range.h"
#include "vm/space.h"
#include "vm/spt.h"
#include "vm/trace.h"

struct vm_space *vm_space_create(void)
{
  struct vm_space *s = malloc(sizeof *s);
  if (s == NULL)
    return NULL;
  if (!spt_init(&s->spt) || (s->pml4 = mmu_create()) == NULL) {
    spt_free(&s->spt);
    free(s);
    return NULL;
  }
  lock_init(&s->lock);
  range_tree_init(&s->ranges);
  s->exec_file = NULL;
  s->hold = NULL;
  s->origin = NULL;
  s->origin_gen = s->fork_gen = 0;
  list_init(&s->heirs);
  s->refs = 1;
  s->evict_waiters = 0;
  s->lost = false;
  s->trace_swapin = 0;
  return s;
}

/* An heir's origin can go (vm_space_destroy) while the heir waits for its lock, so the
   waiter holds a reference: the structure, and so the lock, outlive the wait. The origin
   pointer is read and referenced with interrupts off (one CPU: atomic against the
   destroyer, which changes it with both locks held). */
struct vm_space *space_lock(struct vm_space *s)
{
  for (;;) {
    enum intr_level old = intr_disable();
    struct vm_space *o = s->origin;
    if (o != NULL)
      o->refs++;
    intr_set_level(old);
    if (o == NULL) {
      lock_acquire(&s->lock);
      return NULL;
    }
    lock_acquire(&o->lock);
    lock_acquire(&s->lock);
    if (s->origin == o)
      return o;
    lock_release(&s->lock);
    lock_release(&o->lock);
    space_unref(o);
  }
}

void space_unlock(struct vm_space *s, struct vm_space *origin)
{
  lock_release(&s->lock);
  struct vm_space *o = origin;
  if (origin != NULL)
    lock_release(&origin->lock);
  if (s->evict_waiters > 0 || (o != NULL && o->evict_waiters > 0))
    frame_yield_waiters(s->evict_waiters > 0 ? s : o);
  if (origin != NULL)
    space_unref(origin);
}

void vm_space_set_exec(struct vm_space *s, struct file *file) { s->exec_file = file; }
struct file *vm_space_exec(const struct vm_space *s) { return s->exec_file; }
uint64_t *vm_space_pml4(const struct vm_space *s) { return s->pml4; }

/* range_each_meeting callback: stops at a range that may not share pages. */
static bool space_may_overlap(const struct vm_range *r, void *aux)
{
  (void)aux;
  return r->ops->may_overlap;
}

/* True if a new range of OPS at [START, END) would meet a range of S it may not share
   pages with. O(log n) plus the ranges met. */
static bool space_overlaps(const struct vm_space *s, uint64_t start, uint64_t end,
                           const struct range_ops *ops)
{
  if (!ops->may_overlap)
    return range_find_meeting(&s->ranges, start, end) != NULL;
  return !range_each_meeting(&s->ranges, start, end, space_may_overlap, NULL);
}

/* Needs: P in S's table. Guarantees: whoever held P was given what it is owed
   (page_will_change); P's backing store released (dirty file data written back), its
   frame unmapped and given up, P removed and freed. */
static bool space_discard_page(struct page *p, void *aux)
{
  (void)aux;
  struct vm_space *s = p->space;
  page_will_change(p);
  if (p->frame != NULL) {
    struct frame *f = p->frame;
    bool dirty = mmu_is_dirty(s->pml4, (void *)p->va);
    mmu_unmap_page(s->pml4, (void *)p->va);
    p->ops->destroy(p, frame_kva(f), dirty);
    frame_detach(f, p);
  } else
    p->ops->destroy(p, NULL, false);
  page_forget(p);
  return true;
}

/* Frees range R of S (and what it owns). */
static void space_free_range(struct vm_space *s, struct vm_range *r)
{
  range_remove(&s->ranges, r);
  if (r->ops->release != NULL)
    r->ops->release(r);
  free(r);
}

void vm_space_destroy(struct vm_space *s)
{
  if (s == NULL)
    return;
  VM_TRACE(vm_trace_destroy(s));
  struct vm_space *o = space_lock(s);
  spt_each(&s->spt, space_discard_page, NULL);
  struct vm_range *r;
  while ((r = (struct vm_range *)range_next(&s->ranges, NULL)) != NULL)
    space_free_range(s, r);
  inherit_detach(s);
  space_unlock(s, o);
  spt_free(&s->spt);
  file_close(s->exec_file);
  mmu_destroy(s->pml4);
  space_unref(s);
}

/* New range [START, END) of OPS in S; NULL if out of memory. */
static struct vm_range *space_add_range(struct vm_space *s, uint64_t start, uint64_t end,
                                        const struct range_ops *ops, bool writable)
{
  struct vm_range *r = malloc(sizeof *r);
  if (r == NULL)
    return NULL;
  memset(r, 0, sizeof *r);
  r->start = start;
  r->end = end;
  r->ops = ops;
  r->writable = writable;
  range_insert(&s->ranges, r);
  return r;
}

bool vm_space_add_segment(struct vm_space *s, uint64_t vaddr, uint64_t memsz, uint64_t filesz,
                          uint64_t file_ofs, bool writable)
{
  uint64_t start = vaddr & ~PGMASK, end = (vaddr + memsz + PGMASK) & ~PGMASK;
  if (space_overlaps(s, start, end, &vm_segment_range))
    return false;
  struct vm_range *r = space_add_range(s, start, end, &vm_segment_range, writable);
  if (r == NULL)
    return false;
  r->seg.vaddr = vaddr;
  r->seg.filesz = filesz;
  r->seg.file_ofs = file_ofs;
  VM_TRACE(vm_trace_range(s, VM_TRACE_SEGMENT, vaddr, memsz, filesz, writable));
  return true;
}

bool vm_space_add_stack(struct vm_space *s, uint64_t stack_top, const void *contents)
{
  uint64_t va = stack_top - PGSIZE;
  bool ok = false;
  lock_acquire(&s->lock);
  struct vm_range *r =
      space_add_range(s, stack_top - USER_STACK_LIMIT, stack_top, &vm_stack_range, true);
  struct page *p = r != NULL ? page_create(s, va, r) : NULL;
  if (p != NULL && page_claim(p, contents) == VM_FAULT_HANDLED)
    ok = true;
  else if (p != NULL)
    page_forget(p);
  lock_release(&s->lock);
  VM_TRACE(
      vm_trace_range(s, VM_TRACE_STACK, stack_top - USER_STACK_LIMIT, USER_STACK_LIMIT, 0, true));
  return ok;
}

void *vm_mmap(struct vm_space *s, void *addr, size_t len, bool writable, struct file *file,
              off_t ofs)
{
  uint64_t a = (uint64_t)addr;
  if (a == 0 || pg_ofs(addr) != 0 || len == 0 || ofs < 0 || ofs % PGSIZE != 0 || a + len < a ||
      a + len > KERN_BASE || file == NULL)
    return NULL;
  off_t flen = file_length(file);
  if (flen <= 0)
    return NULL;
  uint64_t end = (a + len + PGMASK) & ~PGMASK;
  void *result = NULL;
  struct vm_space *o = space_lock(s);
  struct file *own = NULL;
  if (!space_overlaps(s, a, end, &vm_mapping_range) && (own = file_reopen(file)) != NULL) {
    struct vm_range *r = space_add_range(s, a, end, &vm_mapping_range, writable);
    if (r != NULL) {
      r->map.file = own;
      r->map.ofs = ofs;
      r->map.flen = flen;
      result = addr;
      VM_TRACE(vm_trace_range(s, VM_TRACE_MMAP, a, len, 0, writable));
    } else
      file_close(own);
  }
  space_unlock(s, o);
  return result;
}

/* Discards the pages of S in [START, END) (spt_each callback). */
struct page_span {
  uint64_t start, end;
};
static bool space_discard_in(struct page *p, void *aux)
{
  const struct page_span *span = aux;
  if (p->va >= span->start && p->va < span->end)
    space_discard_page(p, NULL);
  return true;
}

/* Needs: S's lock held. Discards every page of S in range R, looking up R's addresses or
   walking S's table, whichever is shorter: the cost follows min(R's pages, S's pages). */
static void space_discard_range(struct vm_space *s, const struct vm_range *r)
{
  if ((r->end - r->start) / PGSIZE <= s->spt.page_cnt) {
    for (uint64_t va = r->start; va < r->end; va += PGSIZE) {
      struct page *p = spt_find(&s->spt, va);
      if (p != NULL)
        space_discard_page(p, NULL);
    }
  } else {
    struct page_span span = {r->start, r->end};
    spt_each(&s->spt, space_discard_in, &span);
  }
}

void vm_munmap(struct vm_space *s, void *addr)
{
  struct vm_space *o = space_lock(s);
  struct vm_range *r =
      (struct vm_range *)range_find_meeting(&s->ranges, (uint64_t)addr, (uint64_t)addr + 1);
  if (r != NULL && r->ops->unmappable && r->start == (uint64_t)addr) {
    VM_TRACE(vm_trace_range(s, VM_TRACE_MUNMAP, r->start, r->end - r->start, 0, r->writable));
    space_discard_range(s, r);
    space_free_range(s, r);
  }
  space_unlock(s, o);
}

/* Needs: DST fresh. An heir first takes all it inherited (a space is never both heir and
   origin); a lost space cannot be copied. The parent's entries made read-only here are
   flushed from its TLB once, at the end (SDM vol. 3, 4.10.4.1). */
bool vm_space_copy(struct vm_space *dst, struct vm_space *src, struct vm_counters *proc)
{
  struct vm_space *o = space_lock(src);
  if (o != NULL) {
    inherit_settle(src);
    lock_release(&o->lock);
    space_unref(o);
  }
  lock_acquire(&dst->lock);
  bool ok = !src->lost;
  if (ok && fork_is_lazy(src))
    ok = inherit_fork(dst, src);
  else if (ok)
    ok = fork_copy_space(dst, src, proc);
  mmu_flush(src->pml4);
  lock_release(&dst->lock);
  lock_release(&src->lock);
  frame_yield_waiters(src);
  return ok;
}
