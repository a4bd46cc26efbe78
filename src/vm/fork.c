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
};

/* Copies page SP of the parent into the child (spt_each callback). */
static bool fork_copy_page(struct page *sp, void *aux)
{
  struct fork_ctx *c = aux;
  struct vm_space *src = sp->space, *dst = c->dst;
  const struct vm_range *r = space_find_range(dst, sp->va);
  struct page *np = malloc(sizeof *np);
  if (np == NULL || r == NULL) {
    free(np);
    return false;
  }
  *np = (struct page){.va = sp->va,
                      .ops = sp->ops,
                      .space = dst,
                      .range = r,
                      .writable = sp->writable,
                      .touched = true,
                      .slot = SWAP_NONE};
  bool share = sp->ops->copy(np, sp) && !vm_fork_eager;
  spt_insert(&dst->spt, np);
  struct frame *f = sp->frame;
  if (f == NULL)
    return true;
  bool dirty = mmu_is_dirty(src->pml4, (void *)sp->va);
  if (share) {
    frame_attach(f, np);
    if (!page_map(np)) {
      frame_detach(f, np);
      return false;
    }
    mmu_set_writable(src->pml4, (void *)sp->va, false);
  } else {
    frame_pin(f);
    enum vm_fault_result res = page_claim(np, frame_kva(f));
    frame_unpin(f);
    if (res != VM_FAULT_HANDLED)
      return false;
    vm_count(c->proc, VM_FORK_COPIED);
    vm_pages_touched++;
  }
  if (dirty)
    mmu_set_dirty(dst->pml4, (void *)np->va, true);
  return true;
}

bool vm_space_copy(struct vm_space *dst, struct vm_space *src, struct vm_counters *proc)
{
  struct fork_ctx c = {dst, proc};
  lock_acquire(&src->lock);
  lock_acquire(&dst->lock);
  bool ok = fork_copy_ranges(dst, src) && spt_each(&src->spt, fork_copy_page, &c);
  lock_release(&dst->lock);
  lock_release(&src->lock);
  return ok;
}
