/* Fork: the child's address space as a copy of the parent's. Ranges are copied (a mapping
   gets its own handle on the file); each page record is copied through its type's copy
   operation. A resident page whose type allows it is shared copy-on-write: both sides map
   the frame read-only and the first write faults (fault.c, fault_wp). Other resident pages,
   and every page under -fork=eager, get a copy through page_claim. */

#include "threads/malloc.h"
#include "threads/mmu.h"
#include "threads/vaddr.h"
#include "vm/vm_int.h"

bool vm_fork_eager;

/* Copies every range of SRC into DST. */
static bool fork_copy_ranges(struct vm_space *dst, const struct vm_space *src)
{
  for (const struct vm_range *r = range_next(&src->ranges, NULL); r != NULL;
       r = range_next(&src->ranges, r)) {
    struct vm_range *nr = malloc(sizeof *nr);
    if (nr == NULL)
      return false;
    *nr = *r;
    if (r->ops == &vm_file_ops && (nr->map.file = file_reopen(r->map.file)) == NULL) {
      free(nr);
      return false;
    }
    range_insert(&dst->ranges, nr);
  }
  return true;
}

struct fork_ctx {
  struct vm_space *dst;
  struct vm_counters *proc;
  const struct vm_range *range; /* the child's range of the last page copied */
};

/* The child's range holding VA: the last one found, else a search. */
static const struct vm_range *fork_range(struct fork_ctx *c, uint64_t va)
{
  const struct vm_range *r = c->range;
  if (r == NULL || va < r->start || va >= r->end)
    c->range = r = space_find_range(c->dst, va);
  return r;
}

/* Gives NP (the child's record of SP, not resident) a frame: SP's shared copy-on-write
   when SHARE, else a copy of its contents. */
static bool fork_give_frame(struct fork_ctx *c, struct page *np, struct page *sp, bool share)
{
  struct vm_space *src = sp->space, *dst = c->dst;
  struct frame *f = sp->frame;
  if (share) {
    frame_attach(f, np);
    if (!mmu_share_page(src->pml4, dst->pml4, (void *)sp->va, frame_kva(f))) {
      frame_detach(f, np);
      return false;
    }
    return true;
  }
  bool dirty = mmu_is_dirty(src->pml4, (void *)sp->va);
  frame_pin(f);
  enum vm_fault_result res = page_claim(np, frame_kva(f));
  frame_unpin(f);
  if (res != VM_FAULT_HANDLED)
    return false;
  vm_count(c->proc, VM_FORK_COPIED);
  vm_pages_touched++;
  if (dirty)
    mmu_set_dirty(dst->pml4, (void *)np->va, true);
  return true;
}

/* Copies page SP of the parent into the child (spt_each callback). */
static bool fork_copy_page(struct page *sp, void *aux)
{
  struct fork_ctx *c = aux;
  const struct vm_range *r = fork_range(c, sp->va);
  struct page *np = malloc(sizeof *np);
  if (np == NULL || r == NULL) {
    free(np);
    return false;
  }
  *np = (struct page){.va = sp->va,
                      .ops = sp->ops,
                      .space = c->dst,
                      .range = r,
                      .writable = sp->writable,
                      .touched = true,
                      .slot = SWAP_NONE};
  bool share = sp->ops->copy(np, sp) && !vm_fork_eager;
  spt_insert(&c->dst->spt, np);
  return sp->frame == NULL || fork_give_frame(c, np, sp, share);
}

/* Needs: DST fresh. The parent's entries made read-only here are flushed from its TLB
   once, at the end (mmu_share_page). */
bool vm_space_copy(struct vm_space *dst, struct vm_space *src, struct vm_counters *proc)
{
  struct fork_ctx c = {dst, proc, NULL};
  lock_acquire(&src->lock);
  lock_acquire(&dst->lock);
  spt_reserve(&dst->spt, src->spt.page_cnt);
  bool ok = fork_copy_ranges(dst, src) && spt_each(&src->spt, fork_copy_page, &c);
  mmu_flush(src->pml4);
  lock_release(&dst->lock);
  lock_release(&src->lock);
  return ok;
}
