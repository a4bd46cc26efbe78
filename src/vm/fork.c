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
   ones lazily: a lazily inherited page costs the child a fault when it touches it (about
   four times a per-page share), which pays off when the child touches a small part of a
   large parent, the case of fork then exec. */

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

/* Gives NP (DST's record of SP, not resident) a frame: SP's shared copy-on-write when
   SHARE, else a copy of its contents, dirty if SP's is (a copy made for a write leaves
   that to the write). */
static bool fork_give_frame(struct vm_space *dst, struct page *np, struct page *sp, bool share,
                            bool for_write)
{
  struct vm_space *src = sp->space;
  struct frame *f = sp->frame;
  if (share) {
    frame_attach(f, np);
    if (!mmu_share_page(src->pml4, dst->pml4, (void *)sp->va, frame_kva(f))) {
      frame_detach(f, np);
      return false;
    }
    return true;
  }
  bool dirty = !for_write && mmu_is_dirty(src->pml4, (void *)sp->va);
  frame_pin(f);
  enum vm_fault_result res = page_claim(np, frame_kva(f));
  frame_unpin(f);
  if (res != VM_FAULT_HANDLED)
    return false;
  vm_pages_touched++;
  if (dirty)
    mmu_set_dirty(dst->pml4, (void *)np->va, true);
  return true;
}

/* How a new record gets SP's contents when SP is resident: share its frame (if its type
   allows), copy it (a write is coming), or take SP's swap slot alone when SP holds one (a
   push: the heir is not touching the page now, and the origin is about to write it). */
enum fork_give { FORK_GIVE_SHARE, FORK_GIVE_COPY, FORK_GIVE_SLOT };

/* Needs: DST and SP's space locked, no page at SP's address in DST, R DST's range there.
   Guarantees: DST's own record of SP in *NEW, given SP's contents as GIVE says (a swap
   slot is always shared; *COPIED if the frame was copied); false, with nothing left
   behind, if out of memory. */
static bool fork_copy_page(struct vm_space *dst, const struct vm_range *r, struct page *sp,
                           enum fork_give give, struct page **new, bool *copied)
{
  struct page *np = malloc(sizeof *np);
  if (np == NULL)
    return false;
  *np = (struct page){.va = sp->va,
                      .ops = sp->ops,
                      .space = dst,
                      .range = r,
                      .born = dst->fork_gen,
                      .pushed = dst->fork_gen,
                      .writable = sp->writable,
                      .touched = true,
                      .slot = SWAP_NONE};
  bool copy = give == FORK_GIVE_COPY;
  bool share = sp->ops->copy(np, sp) && vm_fork_mode != VM_FORK_EAGER && !copy;
  bool resident = sp->frame != NULL && !(give == FORK_GIVE_SLOT && np->slot != SWAP_NONE);
  spt_insert(&dst->spt, np);
  *copied = resident && !share;
  if (resident && !fork_give_frame(dst, np, sp, share, copy)) {
    np->ops->destroy(np, NULL, false);
    space_forget_page(dst, np);
    return false;
  }
  *new = np;
  return true;
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
  struct page *np;
  bool copied;
  if (r == NULL || !fork_copy_page(c->dst, r, sp, FORK_GIVE_SHARE, &np, &copied))
    return false;
  if (copied)
    vm_count(c->proc, VM_FORK_COPIED);
  return true;
}

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
    struct page *sp, *np;
    bool copied;
    if (a == va || (sp = spt_find(&s->origin->spt, a)) == NULL || sp->frame == NULL ||
        sp->ops == &vm_file_ops || !fork_owed(s, sp, false, &r))
      continue;
    if (!fork_copy_page(s, r, sp, FORK_GIVE_SHARE, &np, &copied))
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
  enum fork_give give = write && sp->writable ? FORK_GIVE_COPY : FORK_GIVE_SHARE;
  if (s->lost || !fork_copy_page(s, r, sp, give, page, &copied))
    return FORK_TAKE_FAILED;
  if (!write && !copied && sp->frame != NULL)
    fork_take_around(s, va);
  return copied ? FORK_TAKE_COPIED : FORK_TAKE_DONE;
}

void fork_push(struct page *sp)
{
  struct vm_space *s = sp->space;
  for (struct list_elem *e = list_begin(&s->heirs); e != list_end(&s->heirs); e = list_next(e)) {
    struct vm_space *h = list_entry(e, struct vm_space, heir_elem);
    const struct vm_range *r;
    struct page *np;
    bool copied;
    lock_acquire(&h->lock);
    if (!h->lost && fork_owed(h, sp, false, &r) &&
        !fork_copy_page(h, r, sp, FORK_GIVE_SLOT, &np, &copied))
      h->lost = true;
    lock_release(&h->lock);
  }
  sp->pushed = s->fork_gen;
}

/* Takes page SP of the origin into heir AUX if it is owed (spt_each callback). */
static bool fork_settle_each(struct page *sp, void *aux)
{
  struct vm_space *h = aux;
  const struct vm_range *r;
  struct page *np;
  bool copied;
  if (!h->lost && fork_owed(h, sp, false, &r) &&
      !fork_copy_page(h, r, sp, FORK_GIVE_SHARE, &np, &copied))
    h->lost = true;
  return true;
}

/* Needs: S an heir, S's and its origin's locks held. Guarantees: S owns a record of every
   page it inherited (or is lost) and is no longer an heir. */
static void fork_settle(struct vm_space *s)
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
   origin); a lost space cannot be copied. The parent's entries made read-only here are flushed from
   its TLB once, at the end (SDM vol. 3, 4.10.4.1). */
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
  return ok;
}

/* An heir takes the page it inherited at UADDR first, so that parent and child report the
   same frame until one writes (ABI: int $0x42). Counted as no fault. */
void *vm_space_frame(struct vm_space *s, const void *uaddr)
{
  struct vm_space *o = space_lock(s);
  uint64_t va = (uint64_t)uaddr & ~PGMASK;
  struct page *p;
  if (o != NULL && spt_find(&s->spt, va) == NULL)
    fork_take(s, va, false, &p);
  void *kva = mmu_lookup_page(s->pml4, uaddr);
  space_unlock(s, o);
  return kva;
}
