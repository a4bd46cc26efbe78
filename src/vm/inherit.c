/* Lazy fork, the heir's side and the origin's duties (see fork.c for the fork itself), a
   layer on top of demand paging: an heir's fault first takes what it inherited there
   (inherit_fault, inherit_take, with the resident neighbours of a read), so the fault path
   then sees an ordinary page record; an origin's pages are held (page.c's page_hold) until
   it gives its heirs their copies, just before a page changes (inherit_push); an heir that
   forks takes everything first (inherit_settle), and destroy cuts the links
   (inherit_detach). Locks: origin before heir (space_lock). */

#include "lib/kernel/list.h"
#include "threads/mmu.h"
#include "threads/vaddr.h"
#include "vm/fork.h"
#include "vm/inherit.h"
#include "vm/page.h"
#include "vm/range.h"
#include "vm/space.h"
#include "vm/spt.h"
#include "vm/stats.h"

bool inherit_pending(const struct page *page)
{
  return page->pushed != page->space->fork_gen && !list_empty(&page->space->heirs);
}

/* True if heir H inherited SP (a page of H's origin) and has no record of it yet (ABSENT:
   known already); *R then is H's range there. */
static bool inherit_owed(struct vm_space *h, const struct page *sp, bool absent,
                         const struct vm_range **r)
{
  if (sp->born >= h->origin_gen || (!absent && spt_find(&h->spt, sp->va) != NULL))
    return false;
  *r = range_find_meeting(&h->ranges, sp->va, sp->va + 1);
  return *r != NULL && (*r)->inherited;
}

/* Pages taken around a read take: the aligned block of INHERIT_AROUND pages holding it. */
#define INHERIT_AROUND 16

/* Needs: as inherit_take; S just took the page at VA for a read. Also takes the other pages of
   VA's block that the origin has resident and that can be shared, mapped read-only with
   their accessed bit clear (unused, as far as the eviction policy can tell): a child that
   reads what it inherited then faults once per block, not once per page. Stops at the first
   failure (the page stays owed: nothing is lost). */
static void inherit_take_around(struct vm_space *s, uint64_t va)
{
  uint64_t first = va & ~(uint64_t)(INHERIT_AROUND * PGSIZE - 1);
  for (uint64_t a = first; a < first + INHERIT_AROUND * PGSIZE; a += PGSIZE) {
    const struct vm_range *r;
    struct page *sp;
    if (a == va || (sp = spt_find(&s->origin->spt, a)) == NULL || sp->frame == NULL ||
        !sp->ops->shareable || !inherit_owed(s, sp, false, &r))
      continue;
    if (fork_copy_page(s, r, sp, FORK_GIVE_SHARE, NULL, NULL) != VM_FAULT_HANDLED)
      return;
  }
}

enum inherit_take inherit_take(struct vm_space *s, uint64_t va, bool write, struct page **page)
{
  const struct vm_range *r;
  bool copied;
  struct page *sp = spt_find(&s->origin->spt, va);
  if (sp == NULL || !inherit_owed(s, sp, true, &r))
    return INHERIT_NONE;
  enum fork_give give = write && sp->writable ? FORK_GIVE_WRITE : FORK_GIVE_READ;
  enum vm_fault_result res = s->lost ? VM_FAULT_OOM : fork_copy_page(s, r, sp, give, page, &copied);
  if (res != VM_FAULT_HANDLED)
    return res == VM_FAULT_BUSY ? INHERIT_BUSY : INHERIT_FAILED;
  if (!write && !copied && sp->frame != NULL)
    inherit_take_around(s, va);
  return copied ? INHERIT_COPIED : INHERIT_DONE;
}

bool inherit_fault(struct vm_space *s, const struct vm_fault *f, struct vm_counters *proc,
                   enum vm_fault_result *r)
{
  uint64_t va = f->addr & ~PGMASK;
  struct page *p;
  if ((s->origin == NULL && !s->lost) || !is_user_vaddr((void *)f->addr) ||
      spt_find(&s->spt, va) != NULL)
    return false;
  /* A lost heir fails every fault on a page it has no record of: that page may be one it
     was not given. */
  enum inherit_take t = s->lost ? INHERIT_FAILED : inherit_take(s, va, f->write, &p);
  if (t == INHERIT_NONE)
    return false;
  if (t == INHERIT_BUSY || t == INHERIT_FAILED) {
    *r = t == INHERIT_BUSY ? VM_FAULT_BUSY : VM_FAULT_OOM;
    return true;
  }
  /* A write given its copy at once counts as a write-protect copy; any other take that
     left the page resident and the access allowed, as an inherit fault. The rest is the
     ordinary path's (a page to read back, an access not allowed). */
  bool wp_copy = t == INHERIT_COPIED && f->write && p->writable;
  if (f->addr < PGSIZE || p->frame == NULL ||
      (!wp_copy && f->write &&
       (!p->writable ||
        (mmu_lookup_page(s->pml4, (void *)va) != NULL && !mmu_is_writable(s->pml4, (void *)va)))))
    return false;
  if (mmu_lookup_page(s->pml4, (void *)va) == NULL && !page_map(p)) {
    *r = VM_FAULT_OOM;
    return true;
  }
  vm_count(proc, wp_copy ? VM_PF_WP : VM_PF_INHERIT);
  vm_count(proc, VM_PF_MINOR);
  if (wp_copy)
    vm_count(proc, VM_PF_WP_COPY);
  *r = VM_FAULT_HANDLED;
  return true;
}

/* Needs: H an heir, its and its origin's locks held, SP a page of the origin. Gives H its
   own record of SP (as GIVE says) if H is owed one; an heir that cannot get it is lost. */
static void inherit_give_owed(struct vm_space *h, struct page *sp, enum fork_give give)
{
  const struct vm_range *r;
  if (!h->lost && inherit_owed(h, sp, false, &r) &&
      fork_copy_page(h, r, sp, give, NULL, NULL) != VM_FAULT_HANDLED)
    h->lost = true;
}

void inherit_push(struct page *sp)
{
  struct vm_space *s = sp->space;
  for (struct list_elem *e = list_begin(&s->heirs); e != list_end(&s->heirs); e = list_next(e)) {
    struct vm_space *h = list_entry(e, struct vm_space, heir_elem);
    lock_acquire(&h->lock);
    inherit_give_owed(h, sp, FORK_GIVE_SLOT);
    lock_release(&h->lock);
  }
  sp->pushed = s->fork_gen;
}

static const struct page_hold inherit_hold = {.held = inherit_pending, .release = inherit_push};

/* SRC's mappings are made read-only (and its TLB flushed by the caller) so that its next
   write to any page faults and pushes the page to DST first. */
bool inherit_fork(struct vm_space *dst, struct vm_space *src)
{
  if (!fork_copy_ranges(dst, src, true))
    return false;
  src->fork_gen++;
  src->hold = &inherit_hold;
  dst->origin = src;
  dst->origin_gen = src->fork_gen;
  list_push_back(&src->heirs, &dst->heir_elem);
  mmu_protect_user(src->pml4);
  return true;
}

/* Needs: H an heir. H stops being one of its origin's heirs; an origin left with none holds
   no page any more. */
static void inherit_leave(struct vm_space *h)
{
  list_remove(&h->heir_elem);
  if (list_empty(&h->origin->heirs))
    h->origin->hold = NULL;
  h->origin = NULL;
}

/* inherit_owed for a page heir H has not looked up (fork_owed_fn). */
static bool inherit_owed_here(struct vm_space *h, const struct page *sp, const struct vm_range **r)
{
  return inherit_owed(h, sp, false, r);
}

void inherit_settle(struct vm_space *s)
{
  if (!s->lost && !fork_copy_owed(s, s->origin, inherit_owed_here))
    s->lost = true;
  inherit_leave(s);
}

void inherit_detach(struct vm_space *s)
{
  if (s->origin != NULL)
    inherit_leave(s);
  while (!list_empty(&s->heirs)) {
    struct vm_space *h = list_entry(list_pop_front(&s->heirs), struct vm_space, heir_elem);
    lock_acquire(&h->lock);
    h->origin = NULL;
    lock_release(&h->lock);
  }
  s->hold = NULL;
}
