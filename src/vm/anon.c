/* Anonymous pages (heap-like data, the stack, written-to executable pages after eviction):
   zeros on first touch, a swap slot when evicted. Stack pages are anonymous pages of the
   stack reservation, created only within 8 bytes below rsp (ABI 3, the push case). */

#include "lib/string.h"
#include "threads/vaddr.h"
#include "vm/frame.h"
#include "vm/page.h"
#include "vm/range.h"
#include "vm/swap.h"
#include "vm/trace.h"
#include "vm/trace_ring.h"

static void anon_init(struct page *page, const struct vm_range *range)
{
  page->writable = range->writable;
  page->slot = SWAP_NONE;
}

static enum fault_kind anon_fault_kind(const struct page *page)
{
  return page->slot != SWAP_NONE ? FAULT_SWAPIN : FAULT_ZERO;
}

static enum fault_kind stack_fault_kind(const struct page *page)
{
  return page->slot != SWAP_NONE ? FAULT_SWAPIN : FAULT_STACK;
}

/* A fault may grow the stack only at or above rsp - 8. */
static bool stack_admit(const struct vm_range *range, const struct vm_fault *f)
{
  (void)range;
  return f->addr + 8 >= f->rsp;
}

/* Needs: PAGE not resident. Guarantees: KVA holds the swapped contents (the frame is
   offered to the swap cache for the slot's other sharers) or zeros. Whether the page
   keeps its slot is page.c's slot rule. */
static bool anon_fill(struct page *page, void *kva)
{
  if (page->slot == SWAP_NONE) {
    memset(kva, 0, PGSIZE);
    return true;
  }
  swap_read(page->slot, kva);
  VM_TRACE(vm_trace_swap_in(page));
  frame_cache(frame_of_kva(kva), page->slot);
  return true;
}

/* The frame another sharer of PAGE's slot already brought back, if any. */
static struct frame *anon_find_resident(struct page *page)
{
  if (page->slot == SWAP_NONE)
    return NULL;
  struct frame *f = frame_share_cached(page, page->slot);
  if (f != NULL) {
    swap_unref(page->slot);
    page->slot = SWAP_NONE;
  }
  return f;
}

/* True if every sharer on PAGE's chain still holds one slot that is a copy of the frame:
   the frame was not written since it was read from that slot (a held page keeps it:
   page.c). */
static bool anon_slot_is_copy(const struct page *page, bool dirty)
{
  if (dirty || page->slot == SWAP_NONE)
    return false;
  for (const struct page *p = page; p != NULL; p = p->rmap_next)
    if (p->slot != page->slot)
      return false;
  return true;
}

/* Writes the frame to one new slot that every sharer on PAGE's chain references (slot
   references they still held are dropped), or keeps the slot they share when it is a copy
   already. */
static enum evict_kind anon_evict(struct page *page, void *kva, bool dirty)
{
  if (anon_slot_is_copy(page, dirty))
    return EVICT_SWAP;
  uint32_t slot = swap_alloc();
  if (slot == SWAP_NONE)
    return EVICT_FAIL;
  swap_write(slot, kva);
  VM_TRACE(vm_trace_swap_out());
  for (struct page *p = page; p != NULL; p = p->rmap_next) {
    if (p->slot != SWAP_NONE)
      swap_unref(p->slot);
    if (p != page)
      swap_ref(slot);
    p->slot = slot;
  }
  return EVICT_SWAP;
}

static void anon_copy(struct page *dst, const struct page *src)
{
  dst->slot = src->slot;
  if (dst->slot != SWAP_NONE)
    swap_ref(dst->slot);
}

static void anon_destroy(struct page *page, void *kva, bool dirty)
{
  (void)kva;
  (void)dirty;
  if (page->slot != SWAP_NONE)
    swap_unref(page->slot);
  page->slot = SWAP_NONE;
}

const struct page_ops vm_anon_ops = {
    .init = anon_init,
    .fault_kind = anon_fault_kind,
    .fill = anon_fill,
    .find_resident = anon_find_resident,
    .evict = anon_evict,
    .copy = anon_copy,
    .destroy = anon_destroy,
    .shareable = true,
    .when_swap_full = FULL_SWAP_CLEAN_IN_SLOT,
};

/* Stack pages: anonymous pages whose first touch is counted as a stack fault. */
static const struct page_ops stack_page_ops = {
    .init = anon_init,
    .fault_kind = stack_fault_kind,
    .fill = anon_fill,
    .find_resident = anon_find_resident,
    .evict = anon_evict,
    .copy = anon_copy,
    .destroy = anon_destroy,
    .shareable = true,
    .when_swap_full = FULL_SWAP_CLEAN_IN_SLOT,
};

const struct range_ops vm_stack_range = {
    .pages = &stack_page_ops,
    .admit = stack_admit,
};
