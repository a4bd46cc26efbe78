/* The frame table: one struct frame per page of the user pool's span, indexed by page
   number, so a frame is found from its kernel or physical address in one step and nothing
   is allocated per fault. A frame records every page mapping it (rmap), their number,
   whether it is pinned and its place in the eviction policy. frame_lock guards all of it
   and the policy; see vm_int.h for the lock order. */

#include "lib/debug.h"
#include "devices/timer.h"
#include "threads/interrupt.h"
#include "threads/malloc.h"
#include "threads/mmu.h"
#include "threads/palloc.h"
#include "threads/thread.h"
#include "threads/vaddr.h"
#include "vm/vm_int.h"

static struct frame *frames;
static size_t frame_cnt;
static uint64_t frame_base_pa;
static struct lock frame_lock;
static size_t frames_in_use, frames_peak, frames_pinned;
static struct frame *(*frame_reclaim)(bool *busy);

/* The eviction policy frames report to as they come and go (set by policy_init). */
const struct evict_policy *vm_policy;

void frame_table_init(struct frame *(*reclaim)(bool *busy))
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
    if (f->pinned++ == 0)
      frames_pinned++;
  } else {
    ASSERT(f->pinned > 0);
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

/* How many timer ticks frame_alloc waits, one at a time, when every candidate was busy or
   pinned, before it gives up: each tick lets the holders finish their fault (usually a
   disk transfer) and drop their lock. */
#define FRAME_ALLOC_ROUNDS 200

struct frame *frame_try_alloc(bool *busy)
{
  *busy = false;
  lock_acquire(&frame_lock);
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
    f = frame_reclaim(busy);
  if (f == NULL && frames_pinned > 0)
    *busy = true;
  lock_release(&frame_lock);
  return f;
}

struct frame *frame_alloc(void)
{
  bool busy = true;
  struct frame *f = NULL;
  for (unsigned round = 0; f == NULL && busy && round < FRAME_ALLOC_ROUNDS; round++) {
    if (round > 0)
      timer_sleep(1);
    f = frame_try_alloc(&busy);
  }
  return f;
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
  frames_in_use--;
  palloc_free_page(frame_kva(f));
}

void frame_attach(struct frame *f, struct page *page)
{
  lock_acquire(&frame_lock);
  page->frame = f;
  page->rmap_next = f->rmap;
  f->rmap = page;
  f->refs++;
  lock_release(&frame_lock);
}

void frame_detach(struct frame *f, struct page *page)
{
  lock_acquire(&frame_lock);
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

/* Guarantees: F evictable again (known to the policy) if pages map it, else freed. */
void frame_unpin(struct frame *f)
{
  lock_acquire(&frame_lock);
  frame_set_pin_locked(f, false);
  if (f->refs > 0 && !f->listed) {
    vm_policy->add(f);
    f->listed = true;
  }
  frame_release_if_unused(f);
  lock_release(&frame_lock);
}

void frame_cache(struct frame *f, uint32_t slot)
{
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
  lock_acquire(&frame_lock);
  struct frame *f = swap_cache_find(slot);
  if (f != NULL && (f->pinned || f->rmap == NULL || f->cache_slot != slot))
    f = NULL;
  if (f != NULL) {
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
  return a;
}

size_t frame_peak(void) { return frames_peak; }
size_t frame_pinned_count(void) { return frames_pinned; }
