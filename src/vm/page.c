/* Page records and how they get frames. A record is made on a page's first touch
   (page_create) and gets its frame through one of the claims below: a new frame filled by
   its type or copied (page_claim), the frame the swap cache already holds its contents in
   (page_claim_cached), or the frame of the page it is a fork copy of (page_claim_shared,
   page_claim_shared_n for a fork's batch).
   Every frame a user page receives comes from one of them. page_map decides the rights a
   resident page is mapped with. */

#include "lib/string.h"
#include "threads/malloc.h"
#include "threads/mmu.h"
#include "threads/vaddr.h"
#include "vm/frame.h"
#include "vm/frame_wait.h"
#include "vm/page.h"
#include "vm/range.h"
#include "vm/space.h"
#include "vm/spt.h"
#include "vm/swap.h"

uint64_t vm_pages_touched;

/* True if a layer above (lazy fork) needs PAGE's contents kept as they are. */
static bool page_held(const struct page *page)
{
  const struct page_hold *hold = page->space->hold;
  return hold != NULL && hold->held(page);
}

void page_will_change(struct page *page)
{
  if (page_held(page))
    page->space->hold->release(page);
}

struct page *page_create(struct vm_space *s, uint64_t va, const struct vm_range *r)
{
  struct page *p = malloc(sizeof *p);
  if (p == NULL)
    return NULL;
  memset(p, 0, sizeof *p);
  p->va = va;
  p->space = s;
  p->range = r;
  p->ops = r->ops->pages;
  p->slot = SWAP_NONE;
  p->born = p->pushed = s->fork_gen;
  p->ops->init(p, r);
  spt_insert(&s->spt, p);
  return p;
}

void page_forget(struct page *page)
{
  spt_remove(&page->space->spt, page);
  free(page);
}

/* Needs: PAGE resident. Guarantees: PAGE mapped at its address, writable only if the user
   may write it, no other page shares the frame (copy-on-write) and it is not held (lazy
   fork); a page made writable gives up the slot it may still hold (its copy in swap is
   about to go stale). USED: with the accessed bit set. False if a page-table page could
   not be allocated. */
static bool page_map_as(struct page *page, bool used)
{
  bool w =
      page->writable && page->frame->refs == 1 && !frame_is_cached(page->frame) && !page_held(page);
  if (w && page->slot != SWAP_NONE) {
    swap_unref(page->slot);
    page->slot = SWAP_NONE;
  }
  void *upage = (void *)page->va, *kpage = frame_kva(page->frame);
  return used ? mmu_map_page_used(page->space->pml4, upage, kpage, w)
              : mmu_map_page(page->space->pml4, upage, kpage, w);
}

bool page_map(struct page *page) { return page_map_as(page, false); }

/* page_map with the accessed bit set: the access that faulted has not happened yet, so a
   clock sweep before it retries must not take the page straight back. */
static bool page_map_used(struct page *page) { return page_map_as(page, true); }

/* page_map for the page a fault of the current thread just filled: the accessed bit is left
   clear for the hardware to set when the access happens (SDM vol. 3, 4.8), the frame is
   primed (the policies see it as accessed, as with page_map_used) and fresh (frame.c: the
   thread's own faults do not take it back before that access). */
static bool page_map_fresh(struct page *page)
{
  frame_set_fresh(page->frame);
  return page_map_as(page, false);
}

/* Needs: PAGE just filled by its type. Slot rule (swap.c): a page read back from swap
   gives its slot up, unless it is held: its contents cannot change until it is released,
   so the slot stays a valid copy of the frame (lazy fork hands it to heirs, and eviction
   need not write it again: anon.c). page_map drops it when the page is made writable. */
static void page_filled(struct page *page)
{
  if (page->slot != SWAP_NONE && !page_held(page)) {
    swap_unref(page->slot);
    page->slot = SWAP_NONE;
  }
}

/* Needs: its space's lock held; PAGE not resident, or on a shared frame it is to leave for a copy
   of it (a copy-on-write break: COPY_FROM is that frame, given as SRC). COPY_FROM: contents to
   copy (pinned by the caller if it is a frame not given as SRC), or NULL to have the page's type
   fill it; SRC: NULL, or the frame at COPY_FROM, pinned here (with the frame's allocation: one
   taking of frame_lock) and unpinned with the new frame. Guarantees: on VM_FAULT_HANDLED, PAGE
   owns a new frame with its contents, mapped with its rights; VM_FAULT_INVALID if the backing
   store could not be read; VM_FAULT_OOM if no frame or page-table page could be had; VM_FAULT_BUSY
   if !WAIT and waiting might give a frame. Nothing leaks on failure, and PAGE is as it was. A page
   leaving a shared frame stays on its reverse map until the copy is complete: while it is there
   the frame has another user besides the other sharers, so none of them can take it back writable
   and change it under the copy. */
static enum vm_fault_result page_claim_in(struct page *page, const void *copy_from,
                                          struct frame *src, bool wait)
{
  struct frame *old = page->frame;
  bool busy = false;
  unsigned own_pins = copy_from != NULL ? 1 : 0; /* the caller pins the frame copied from */
  struct frame *f;
  if (src != NULL)
    f = frame_alloc_copy(src, wait, &busy);
  else
    f = wait ? frame_alloc(own_pins) : frame_try_alloc(own_pins, &busy);
  if (f == NULL) {
    if (src != NULL)
      frame_unpin(src);
    return busy ? VM_FAULT_BUSY : VM_FAULT_OOM;
  }
  void *kva = frame_kva(f);
  if (copy_from != NULL)
    memcpy(kva, copy_from, PGSIZE);
  else if (!page->ops->fill(page, kva)) {
    frame_unpin(f);
    return VM_FAULT_INVALID;
  } else
    page_filled(page);
  if (old != NULL)
    frame_detach(old, page);
  frame_attach(f, page);
  if (!(wait ? page_map_used(page) : page_map_fresh(page))) {
    frame_detach(f, page);
    if (old != NULL)
      frame_attach(old, page);
    frame_unpin_pair(f, src);
    return VM_FAULT_OOM;
  }
  frame_unpin_pair(f, src);
  if (!page->touched) {
    page->touched = true;
    vm_pages_touched++;
  }
  return VM_FAULT_HANDLED;
}

enum vm_fault_result page_claim(struct page *page, const void *copy_from)
{
  return page_claim_in(page, copy_from, NULL, true);
}

enum vm_fault_result page_claim_now(struct page *page, const void *copy_from)
{
  return page_claim_in(page, copy_from, NULL, false);
}

enum vm_fault_result page_claim_copy(struct page *page, struct frame *src, bool wait)
{
  return page_claim_in(page, frame_kva(src), src, wait);
}

enum vm_fault_result page_claim_cached(struct page *page)
{
  if (page->ops->find_resident == NULL || page->ops->find_resident(page) == NULL)
    return VM_FAULT_INVALID;
  return page_map(page) ? VM_FAULT_HANDLED : VM_FAULT_OOM;
}

/* page_claim_shared's work, inlined into the batch loop of page_claim_shared_n: fork's
   share is one such step per resident page of the parent, so a call per page shows in the
   cost of a fork. */
static inline bool page_share(struct page *np, const struct page *sp, bool used)
{
  struct frame *f = sp->frame;
  frame_attach(f, np);
  if (!mmu_share_page(sp->space->pml4, np->space->pml4, (void *)sp->va, frame_kva(f), used)) {
    frame_detach(f, np);
    return false;
  }
  return true;
}

bool page_claim_shared(struct page *np, const struct page *sp, bool used)
{
  return page_share(np, sp, used);
}

size_t page_claim_shared_n(struct page *const *np, struct page *const *sp, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!page_share(np[i], sp[i], false))
      return i;
  return n;
}
