/* Lazy fork, the heir's side and the origin's duties (see fork.c for the fork itself): an
   heir takes what it inherited on first touch (fork_take, with the resident neighbours of
   a read), an origin gives its heirs their copies before it changes a page (fork_push), an
   heir that forks takes everything first (fork_settle), and destroy cuts the links
   (fork_detach). Locks: origin before heir (space_lock). */

#include "threads/mmu.h"
#include "threads/vaddr.h"
#include "vm/vm_int.h"

/* True if heir H inherited SP (a page of H's origin) and has no record of it yet (ABSENT:
   known already); *R then is H's range there. */
static bool fork_owed(struct vm_space *h, const struct page *sp, bool absent,
                      const struct vm_range **r)
{
  if (sp->born >= h->origin_gen || (!absent && spt_find(&h->spt, sp->va) != NULL))
    return false;
  *r = space_find_range(h, sp->va);
  return *r != NULL && (*r)->inherited;
}

/* Pages taken around a read take: the aligned block of FORK_AROUND pages holding it. */
#define FORK_AROUND 16

/* Needs: as fork_take; S just took the page at VA for a read. Also takes the other pages of
   VA's block that the origin has resident and that can be shared, mapped read-only with
   their accessed bit clear (unused, as far as the eviction policy can tell): a child that
   reads what it inherited then faults once per block, not once per page. Stops at the first
   failure (the page stays owed: nothing is lost). */
static void fork_take_around(struct vm_space *s, uint64_t va)
{
  uint64_t first = va & ~(uint64_t)(FORK_AROUND * PGSIZE - 1);
  for (uint64_t a = first; a < first + FORK_AROUND * PGSIZE; a += PGSIZE) {
    const struct vm_range *r;
    struct page *sp;
    if (a == va || (sp = spt_find(&s->origin->spt, a)) == NULL || sp->frame == NULL ||
        sp->ops == &vm_file_ops || !fork_owed(s, sp, false, &r))
      continue;
    if (fork_copy_page(s, r, sp, FORK_GIVE_SHARE, NULL, NULL) != VM_FAULT_HANDLED)
      return;
  }
}

enum fork_take fork_take(struct vm_space *s, uint64_t va, bool write, struct page **page)
{
  const struct vm_range *r;
  bool copied;
  struct page *sp = spt_find(&s->origin->spt, va);
  if (sp == NULL || !fork_owed(s, sp, true, &r))
    return FORK_TAKE_NONE;
  enum fork_give give = write && sp->writable ? FORK_GIVE_WRITE : FORK_GIVE_READ;
  enum vm_fault_result res = s->lost ? VM_FAULT_OOM : fork_copy_page(s, r, sp, give, page, &copied);
  if (res != VM_FAULT_HANDLED)
    return res == VM_FAULT_BUSY ? FORK_TAKE_BUSY : FORK_TAKE_FAILED;
  if (!write && !copied && sp->frame != NULL)
    fork_take_around(s, va);
  return copied ? FORK_TAKE_COPIED : FORK_TAKE_DONE;
}

/* Needs: H an heir, its and its origin's locks held, SP a page of the origin. Gives H its
   own record of SP (as GIVE says) if H is owed one; an heir that cannot get it is lost. */
static void fork_give_owed(struct vm_space *h, struct page *sp, enum fork_give give)
{
  const struct vm_range *r;
  if (!h->lost && fork_owed(h, sp, false, &r) &&
      fork_copy_page(h, r, sp, give, NULL, NULL) != VM_FAULT_HANDLED)
    h->lost = true;
}

void fork_push(struct page *sp)
{
  struct vm_space *s = sp->space;
  for (struct list_elem *e = list_begin(&s->heirs); e != list_end(&s->heirs); e = list_next(e)) {
    struct vm_space *h = list_entry(e, struct vm_space, heir_elem);
    lock_acquire(&h->lock);
    fork_give_owed(h, sp, FORK_GIVE_SLOT);
    lock_release(&h->lock);
  }
  sp->pushed = s->fork_gen;
}

/* Takes page SP of the origin into heir AUX if it is owed (spt_each callback). */
static bool fork_settle_each(struct page *sp, void *aux)
{
  fork_give_owed(aux, sp, FORK_GIVE_SHARE);
  return true;
}

void fork_settle(struct vm_space *s)
{
  spt_each(&s->origin->spt, fork_settle_each, s);
  list_remove(&s->heir_elem);
  s->origin = NULL;
}

void fork_detach(struct vm_space *s)
{
  if (s->origin != NULL) {
    list_remove(&s->heir_elem);
    s->origin = NULL;
  }
  while (!list_empty(&s->heirs)) {
    struct vm_space *h = list_entry(list_pop_front(&s->heirs), struct vm_space, heir_elem);
    lock_acquire(&h->lock);
    h->origin = NULL;
    lock_release(&h->lock);
  }
}

/* An heir takes the page it inherited at UADDR first, so that parent and child report the
   same frame until one writes (ABI: int $0x42). Counted as no fault. Without locks when the
   answer cannot involve an origin: a page mapped in S now (an heir has its own record of a
   page it maps, so it has nothing to take), or S not an heir (a space gets its origin at
   fork only, before it runs, and later only loses it). Called by S's own thread, so S's
   page tables stay while it walks them, as before lazy fork. */
void *vm_space_frame(struct vm_space *s, const void *uaddr)
{
  void *mapped = mmu_lookup_page(s->pml4, uaddr);
  if (mapped != NULL || __atomic_load_n(&s->origin, __ATOMIC_ACQUIRE) == NULL)
    return mapped;
  struct vm_space *o = space_lock(s);
  uint64_t va = (uint64_t)uaddr & ~PGMASK;
  struct page *p;
  if (o != NULL && spt_find(&s->spt, va) == NULL)
    fork_take(s, va, false, &p);
  void *kva = mmu_lookup_page(s->pml4, uaddr);
  space_unlock(s, o);
  return kva;
}
