/* Fork: the child's address space as a copy of the parent's. Ranges are always copied (a
   mapping gets its own handle on the file). Pages go one of three ways (-fork=NAME):
   - eager: every resident page is copied at once (page_claim);
   - share: each page record is copied at once; a resident page whose type allows it is
     shared copy-on-write (both sides map the frame read-only, the first write faults:
     fault.c, fault_wp), other resident pages (mappings) are copied;
   - lazy: no page is touched. The parent (the origin) is write-protected in bulk and the
     child (an heir) takes each page it inherited on its first touch of it (fork_take), by
     the same per-page copy as share. Before the origin changes a page its heirs have not
     all taken (a write, munmap, exit), it gives them their copies first (fork_push).
     Inherited pages are told from later ones by generation: a record made after the fork
     (born at or after the heir's origin_gen) or a range the heir made itself is not
     inherited.
   The default, cow, shares processes of up to FORK_LAZY_PAGES page records and forks larger
   ones lazily: a lazily inherited page costs the child a fault when it touches it (a write
   about 3,340 cycles, against about 635 for a page shared at fork), which pays off when the
   child touches a small part of a large parent, the case of fork then exec. */

#include "lib/string.h"
#include "threads/malloc.h"
#include "threads/mmu.h"
#include "threads/vaddr.h"
#include "vm/vm_int.h"

#define FORK_LAZY_PAGES 256

enum vm_fork_mode vm_fork_mode;

bool vm_fork_mode_parse(const char *name, enum vm_fork_mode *mode)
{
  static const char *const names[] = {[VM_FORK_COW] = "cow",
                                      [VM_FORK_EAGER] = "eager",
                                      [VM_FORK_SHARE] = "share",
                                      [VM_FORK_LAZY] = "lazy"};
  for (unsigned i = 0; i < sizeof names / sizeof *names; i++)
    if (!strcmp(name, names[i])) {
      *mode = (enum vm_fork_mode)i;
      return true;
    }
  return false;
}

/* Copies every range of SRC into DST, marked INHERITED. */
static bool fork_copy_ranges(struct vm_space *dst, const struct vm_space *src, bool inherited)
{
  for (const struct vm_range *r = range_next(&src->ranges, NULL); r != NULL;
       r = range_next(&src->ranges, r)) {
    struct vm_range *nr = malloc(sizeof *nr);
    if (nr == NULL)
      return false;
    *nr = *r;
    nr->inherited = inherited;
    if (r->ops == &vm_file_ops && (nr->map.file = file_reopen(r->map.file)) == NULL) {
      free(nr);
      return false;
    }
    range_insert(&dst->ranges, nr);
  }
  return true;
}

/* Gives NP (DST's record of SP, not resident) a frame as GIVE says: SP's, shared
   copy-on-write, when SHARE, else a copy of its contents, dirty if SP's is (a copy made for
   a write leaves that to the write). For a fault's take (FORK_GIVE_READ, _WRITE) the page
   is mapped as used and a frame is never waited for (VM_FAULT_BUSY). */
static enum vm_fault_result fork_give_frame(struct vm_space *dst, struct page *np, struct page *sp,
                                            bool share, enum fork_give give)
{
  bool fault = give == FORK_GIVE_READ || give == FORK_GIVE_WRITE;
  struct vm_space *src = sp->space;
  struct frame *f = sp->frame;
  if (share) {
    frame_attach(f, np);
    if (!mmu_share_page(src->pml4, dst->pml4, (void *)sp->va, frame_kva(f), fault)) {
      frame_detach(f, np);
      return VM_FAULT_OOM;
    }
    return VM_FAULT_HANDLED;
  }
  bool dirty = give != FORK_GIVE_WRITE && mmu_is_dirty(src->pml4, (void *)sp->va);
  frame_pin(f);
  enum vm_fault_result res =
      fault ? page_claim_now(np, frame_kva(f)) : page_claim(np, frame_kva(f));
  frame_unpin(f);
  if (res != VM_FAULT_HANDLED)
    return res;
  vm_pages_touched++;
  if (dirty)
    mmu_set_dirty(dst->pml4, (void *)np->va, true);
  return res;
}

enum vm_fault_result fork_copy_page(struct vm_space *dst, const struct vm_range *r, struct page *sp,
                                    enum fork_give give, struct page **new, bool *copied)
{
  struct page *np = malloc(sizeof *np);
  if (np == NULL)
    return VM_FAULT_OOM;
  *np = (struct page){.va = sp->va,
                      .ops = sp->ops,
                      .space = dst,
                      .range = r,
                      .born = dst->fork_gen,
                      .pushed = dst->fork_gen,
                      .writable = sp->writable,
                      .touched = true,
                      .slot = SWAP_NONE};
  bool share = sp->ops->copy(np, sp) && vm_fork_mode != VM_FORK_EAGER && give != FORK_GIVE_WRITE;
  bool resident = sp->frame != NULL && !(give == FORK_GIVE_SLOT && np->slot != SWAP_NONE);
  spt_insert(&dst->spt, np);
  if (copied != NULL)
    *copied = resident && !share;
  enum vm_fault_result res =
      resident ? fork_give_frame(dst, np, sp, share, give) : VM_FAULT_HANDLED;
  if (res != VM_FAULT_HANDLED) {
    np->ops->destroy(np, NULL, false);
    space_forget_page(dst, np);
    return res;
  }
  if (new != NULL)
    *new = np;
  return res;
}

struct fork_ctx {
  struct vm_space *dst;
  struct vm_counters *proc;
  const struct vm_range *range; /* the child's range of the last page copied */
};

/* Copies page SP of the parent into the child at fork (spt_each callback). */
static bool fork_copy_each(struct page *sp, void *aux)
{
  struct fork_ctx *c = aux;
  const struct vm_range *r = c->range;
  if (r == NULL || sp->va < r->start || sp->va >= r->end)
    c->range = r = space_find_range(c->dst, sp->va);
  bool copied;
  if (r == NULL ||
      fork_copy_page(c->dst, r, sp, FORK_GIVE_SHARE, NULL, &copied) != VM_FAULT_HANDLED)
    return false;
  if (copied)
    vm_count(c->proc, VM_FORK_COPIED);
  return true;
}

/* Needs: DST fresh, both locked. Makes DST an heir of SRC: nothing is copied but ranges;
   SRC's mappings are made read-only (and its TLB flushed by the caller) so that its next
   write to any page faults and pushes the page to DST first. */
static bool fork_lazy(struct vm_space *dst, struct vm_space *src)
{
  if (!fork_copy_ranges(dst, src, true))
    return false;
  src->fork_gen++;
  dst->origin = src;
  dst->origin_gen = src->fork_gen;
  list_push_back(&src->heirs, &dst->heir_elem);
  mmu_protect_user(src->pml4);
  return true;
}

/* Needs: DST fresh. An heir first takes all it inherited (a space is never both heir and
   origin); a lost space cannot be copied. The parent's entries made read-only here are
   flushed from its TLB once, at the end (SDM vol. 3, 4.10.4.1). */
bool vm_space_copy(struct vm_space *dst, struct vm_space *src, struct vm_counters *proc)
{
  struct vm_space *o = space_lock(src);
  if (o != NULL) {
    fork_settle(src);
    lock_release(&o->lock);
    space_unref(o);
  }
  lock_acquire(&dst->lock);
  bool lazy = vm_fork_mode == VM_FORK_LAZY ||
              (vm_fork_mode == VM_FORK_COW && src->spt.page_cnt > FORK_LAZY_PAGES);
  bool ok = !src->lost;
  if (ok && lazy)
    ok = fork_lazy(dst, src);
  else if (ok) {
    struct fork_ctx c = {dst, proc, NULL};
    spt_reserve(&dst->spt, src->spt.page_cnt);
    ok = fork_copy_ranges(dst, src, false) && spt_each(&src->spt, fork_copy_each, &c);
  }
  mmu_flush(src->pml4);
  lock_release(&dst->lock);
  lock_release(&src->lock);
  frame_yield_waiters(src);
  return ok;
}
