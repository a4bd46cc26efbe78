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
static size_t frames_in_use, frames_peak, frames_pinned, pins_total;
/* Threads asleep in frame_alloc holding space locks and ALLOC_PINS pins (fork's copies):
   what they hold comes back only when they get a frame, so it is not on its way back. */
#define ALLOC_WAITERS_MAX 16
static const struct thread *alloc_waiters[ALLOC_WAITERS_MAX];
static size_t alloc_pins;
/* Threads blocked on frame_lock at the start of frame_try_alloc: each holds its space
   lock(s) and does nothing with its pages until it has frame_lock, so the holder of
   frame_lock may evict their frames as if it held their locks. */
#define PARKED_MAX 32
static const struct thread *parked[PARKED_MAX];
/* The space the last frame_try_alloc found busy, for HINT_THREAD's frame_wait. */
static struct thread *hint_thread;
static struct vm_space *hint_space;
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

/* How many timer ticks frame_alloc (which holds space locks: fork's copies, the first
   stack page) waits, one at a time, for frames on their way back before it gives up. */
#define FRAME_ALLOC_ROUNDS 200

/* Needs: frame_lock held. Replaces the wait hint with S (referenced, or NULL) for the
   current thread. */
static void frame_set_hint(struct vm_space *s)
{
  struct vm_space *old = hint_space;
  hint_space = s;
  hint_thread = s != NULL ? thread_current() : NULL;
  if (old != NULL)
    space_unref(old);
}

bool frame_lock_holder_parked(const struct lock *l)
{
  for (size_t i = 0; i < PARKED_MAX; i++)
    if (parked[i] != NULL && parked[i] == l->holder)
      return true;
  return false;
}

/* Takes frame_lock, listed in PARKED while blocked on it (if there is room). */
static void frame_lock_parked(void)
{
  size_t i;
  enum intr_level old = intr_disable();
  for (i = 0; i < PARKED_MAX && parked[i] != NULL; i++)
    continue;
  if (i < PARKED_MAX)
    parked[i] = thread_current();
  intr_set_level(old);
  lock_acquire(&frame_lock);
  if (i < PARKED_MAX)
    parked[i] = NULL;
}

struct frame *frame_try_alloc(unsigned own_pins, bool *busy)
{
  struct vm_space *busy_space = NULL;
  frame_lock_parked();
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
    f = frame_reclaim(&busy_space);
  if (f != NULL) {
    f->fresh = NULL;
    f->primed = false;
  }
  *busy = f == NULL && (busy_space != NULL || pins_total > own_pins + alloc_pins);
  if (f == NULL)
    frame_set_hint(busy_space);
  else if (busy_space != NULL)
    space_unref(busy_space);
  lock_release(&frame_lock);
  return f;
}

bool frame_lock_holder_waits(const struct lock *l)
{
  for (size_t i = 0; i < ALLOC_WAITERS_MAX; i++)
    if (alloc_waiters[i] != NULL && alloc_waiters[i] == l->holder)
      return true;
  return false;
}

/* Sleeps one tick as a waiter of frame_alloc (see alloc_waiters); the current thread just
   sleeps if the table is full. */
static void frame_alloc_sleep(unsigned own_pins)
{
  size_t i;
  lock_acquire(&frame_lock);
  for (i = 0; i < ALLOC_WAITERS_MAX && alloc_waiters[i] != NULL; i++)
    continue;
  if (i < ALLOC_WAITERS_MAX) {
    alloc_waiters[i] = thread_current();
    alloc_pins += own_pins;
  }
  lock_release(&frame_lock);
  timer_sleep(1);
  if (i < ALLOC_WAITERS_MAX) {
    lock_acquire(&frame_lock);
    alloc_waiters[i] = NULL;
    alloc_pins -= own_pins;
    lock_release(&frame_lock);
  }
}

struct frame *frame_alloc(unsigned own_pins)
{
  bool busy = true;
  struct frame *f = NULL;
  for (unsigned round = 0; f == NULL && busy && round < FRAME_ALLOC_ROUNDS; round++) {
    if (round > 0)
      frame_alloc_sleep(own_pins);
    f = frame_try_alloc(own_pins, &busy);
  }
  lock_acquire(&frame_lock);
  if (hint_thread == thread_current())
    frame_set_hint(NULL);
  lock_release(&frame_lock);
  return f;
}

/* Waiting for the busy space's lock itself (not a tick) matters when its holder faults
   back to back (a process thrashing through swap holds its lock through every disk
   transfer): a waiter that slept a tick would find it held again almost every time and
   starve. The holder yields when it drops the lock (frame_yield_waiters), so the waiter
   runs while the lock is free. */
void frame_wait(void)
{
  lock_acquire(&frame_lock);
  struct vm_space *s = hint_thread == thread_current() ? hint_space : NULL;
  if (s != NULL)
    hint_space = NULL, hint_thread = NULL;
  lock_release(&frame_lock);
  if (s == NULL) {
    timer_sleep(1);
    return;
  }
  enum intr_level old = intr_disable();
  s->evict_waiters++;
  intr_set_level(old);
  lock_acquire(&s->lock);
  lock_release(&s->lock);
  old = intr_disable();
  s->evict_waiters--;
  intr_set_level(old);
  space_unref(s);
}

void frame_yield_waiters(struct vm_space *s)
{
  if (s->evict_waiters > 0)
    thread_yield();
}

void frame_set_fresh(struct frame *f)
{
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
  if (a)
    f->fresh = NULL;
  a |= f->primed;
  f->primed = false;
  return a;
}

size_t frame_peak(void) { return frames_peak; }
size_t frame_pinned_count(void) { return frames_pinned; }
