/* The frame table: one struct frame per page of the user pool's span, indexed by page
   number, so a frame is found from its kernel or physical address in one step and nothing
   is allocated per fault. A frame records every page mapping it (rmap), their number,
   whether it is pinned and its place in the eviction policy. frame_lock guards all of it
   and the policy; see space.h for the lock order. */

#include "lib/debug.h"
#include "threads/interrupt.h"
#include "threads/malloc.h"
#include "threads/mmu.h"
#include "threads/palloc.h"
#include "threads/thread.h"
#include "threads/vaddr.h"
#include "vm/frame.h"
#include "vm/page.h"
#include "vm/policy.h"
#include "vm/space.h"
#include "vm/swap.h"

static struct frame *frames;
static size_t frame_cnt;
static uint64_t frame_base_pa;
struct lock frame_lock;
size_t frames_in_use;
static size_t frames_peak, frames_pinned, pins_total;
static struct frame *(*frame_reclaim)(struct vm_space **busy);

/* The eviction policy frames report to as they come and go (set by policy_init). */
const struct evict_policy *vm_policy;

void frame_table_init(struct frame *(*reclaim)(struct vm_space **busy))
{
  lock_init(&frame_lock);
  frame_reclaim = reclaim;
  palloc_user_span(&frame_base_pa, &frame_cnt);
  frames = calloc(frame_cnt > 0 ? frame_cnt : 1, sizeof *frames);
  ASSERT(frames != NULL);
}

void *frame_kva(const struct frame *f)
{
  return ptov(frame_base_pa + (uint64_t)(f - frames) * PGSIZE);
}

struct frame *frame_of_kva(const void *kva)
{
  size_t idx = (size_t)((vtop(kva) - frame_base_pa) / PGSIZE);
  ASSERT(idx < frame_cnt);
  return &frames[idx];
}

size_t frame_table_size(void) { return frame_cnt; }
struct frame *frame_at(size_t idx) { return &frames[idx]; }

void frame_set_pin_locked(struct frame *f, bool pinned)
{
  if (pinned) {
    pins_total++;
    if (f->pinned++ == 0)
      frames_pinned++;
  } else {
    ASSERT(f->pinned > 0);
    pins_total--;
    if (--f->pinned == 0)
      frames_pinned--;
  }
}

/* Needs: frame_lock held, or F private to the caller. */
void frame_uncache_locked(struct frame *f)
{
  if (f->cache_slot != SWAP_NONE)
    swap_cache_remove(f->cache_slot, f);
  f->cache_slot = SWAP_NONE;
}

/* Needs: frame_lock held. A pinned frame from the user pool, else one the evictor frees,
   else NULL (*BUSY_SPACE as evict_one says). A frame returned is neither fresh nor primed. */
struct frame *frame_get_locked(struct vm_space **busy_space)
{
  struct frame *f = NULL;
  void *kva = palloc_get_page(PAL_USER);
  if (kva != NULL) {
    f = frame_of_kva(kva);
    ASSERT(f->rmap == NULL && !f->listed && !f->pinned);
    f->cache_slot = SWAP_NONE;
    if (++frames_in_use > frames_peak)
      frames_peak = frames_in_use;
    frame_set_pin_locked(f, true);
  } else
    f = frame_reclaim(busy_space);
  if (f != NULL) {
    f->fresh = NULL;
    f->primed = false;
  }
  return f;
}

size_t frame_pins_locked(void) { return pins_total; }

void frame_set_fresh(struct frame *f)
{
  policy_frame_changed(f);
  f->fresh = thread_current();
  f->primed = true;
}

/* Needs: frame_lock held, F pinned or listed. Returns F to the user pool if nothing
   maps it and nothing pins it. */
static void frame_release_if_unused(struct frame *f)
{
  if (f->refs > 0 || f->pinned)
    return;
  if (f->listed) {
    vm_policy->remove(f, false);
    f->listed = false;
  }
  frame_uncache_locked(f);
  f->fresh = NULL;
  f->primed = false;
  frames_in_use--;
  palloc_free_page(frame_kva(f));
}

void frame_attach(struct frame *f, struct page *page)
{
  lock_acquire(&frame_lock);
  policy_frame_changed(f);
  page->frame = f;
  page->rmap_next = f->rmap;
  f->rmap = page;
  f->refs++;
  lock_release(&frame_lock);
}

void frame_detach(struct frame *f, struct page *page)
{
  lock_acquire(&frame_lock);
  policy_frame_changed(f);
  struct page **pp = &f->rmap;
  while (*pp != page)
    pp = &(*pp)->rmap_next;
  *pp = page->rmap_next;
  page->rmap_next = NULL;
  page->frame = NULL;
  f->refs--;
  frame_release_if_unused(f);
  lock_release(&frame_lock);
}

void frame_pin(struct frame *f)
{
  lock_acquire(&frame_lock);
  frame_set_pin_locked(f, true);
  lock_release(&frame_lock);
}

/* Needs: frame_lock held, F pinned. Drops one pin; once none is left F is evictable again
   (known to the policy) if pages map it, else freed. */
static void frame_unpin_locked(struct frame *f)
{
  frame_set_pin_locked(f, false);
  if (f->refs > 0 && !f->listed) {
    vm_policy->add(f);
    f->listed = true;
  }
  frame_release_if_unused(f);
}

void frame_unpin(struct frame *f)
{
  lock_acquire(&frame_lock);
  frame_unpin_locked(f);
  lock_release(&frame_lock);
}

void frame_unpin_pair(struct frame *f, struct frame *g)
{
  lock_acquire(&frame_lock);
  frame_unpin_locked(f);
  if (g != NULL)
    frame_unpin_locked(g);
  lock_release(&frame_lock);
}

void frame_cache(struct frame *f, uint32_t slot)
{
  if (!swap_shared(slot))
    return; /* no other page to find it: swap_cache_add would not record it */
  lock_acquire(&frame_lock);
  f->cache_slot = slot;
  swap_cache_add(slot, f);
  lock_release(&frame_lock);
}

bool frame_take_sole(struct frame *f)
{
  lock_acquire(&frame_lock);
  bool sole = f->refs == 1;
  if (sole)
    frame_uncache_locked(f);
  lock_release(&frame_lock);
  return sole;
}

bool frame_is_cached(const struct frame *f)
{
  return f->cache_slot != SWAP_NONE && swap_cache_find(f->cache_slot) == f;
}

/* Frames being filled or written out are pinned, so a cached frame found unpinned and
   mapped still holds the slot's contents. */
struct frame *frame_share_cached(struct page *page, uint32_t slot)
{
  if (swap_cache_find(slot) == NULL)
    return NULL; /* as if frame_lock were taken now: a frame cached later is not seen */
  lock_acquire(&frame_lock);
  struct frame *f = swap_cache_find(slot);
  if (f != NULL && (f->pinned || f->rmap == NULL || f->cache_slot != slot))
    f = NULL;
  if (f != NULL) {
    policy_frame_changed(f);
    page->frame = f;
    page->rmap_next = f->rmap;
    f->rmap = page;
    f->refs++;
  }
  lock_release(&frame_lock);
  return f;
}

/* Test-and-clear of the accessed bit over every mapping of F (SDM vol. 3, 4.8: the CPU
   sets A on any access through the entry), with interrupts off so no owner rewrites the
   entry halfway. Needs: frame_lock held. */
bool frame_take_accessed(struct frame *f)
{
  bool a = false;
  enum intr_level old = intr_disable();
  for (struct page *p = f->rmap; p != NULL; p = p->rmap_next)
    if (mmu_is_accessed(p->space->pml4, (void *)p->va)) {
      a = true;
      mmu_set_accessed(p->space->pml4, (void *)p->va, false);
    }
  intr_set_level(old);
  if (a)
    f->fresh = NULL;
  a |= f->primed;
  f->primed = false;
  return a;
}

size_t frame_peak(void) { return frames_peak; }
size_t frame_pinned_count(void) { return frames_pinned; }
