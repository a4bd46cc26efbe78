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

/* Needs: the user pool set up, called once before any process. */
void frame_table_init(void)
{
  lock_init(&frame_lock);
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

/* Needs: frame_lock held. */
static void frame_set_pin(struct frame *f, bool pinned)
{
  if (f->pinned != pinned) {
    if (pinned)
      frames_pinned++;
    else
      frames_pinned--;
  }
  f->pinned = pinned;
}

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

/* The address spaces of a victim's pages, locked for its eviction. */
#define OWNERS_MAX 64
struct owners {
  struct vm_space *space[OWNERS_MAX];
  bool taken[OWNERS_MAX]; /* locked here (else the current thread already held it) */
  unsigned cnt;
};

static void owners_release(struct owners *o)
{
  for (unsigned i = 0; i < o->cnt; i++)
    if (o->taken[i])
      lock_release(&o->space[i]->lock);
  o->cnt = 0;
}

/* Tries to lock the space of every page mapping F, without waiting. A space whose lock
   the current thread already holds (the faulting one, or fork's two) counts as locked.
   False, with nothing taken, if any is busy or F has too many owners. */
static bool owners_try_lock(struct frame *f, struct owners *o)
{
  o->cnt = 0;
  for (struct page *p = f->rmap; p != NULL; p = p->rmap_next) {
    unsigned i;
    for (i = 0; i < o->cnt && o->space[i] != p->space; i++)
      continue;
    if (i < o->cnt)
      continue;
    if (o->cnt == OWNERS_MAX) {
      owners_release(o);
      return false;
    }
    bool held = lock_held_by_current_thread(&p->space->lock);
    if (!held && !lock_try_acquire(&p->space->lock)) {
      owners_release(o);
      return false;
    }
    o->space[o->cnt] = p->space;
    o->taken[o->cnt++] = !held;
  }
  return true;
}

/* Needs: frame_lock held, F's owners locked, F pinned and out of the policy. Unmaps every
   mapping of F (combining their dirty bits) and saves the contents through the page
   type. On failure the mappings are restored. */
static enum evict_kind frame_write_out(struct frame *f)
{
  bool dirty = false;
  enum intr_level old = intr_disable();
  for (struct page *p = f->rmap; p != NULL; p = p->rmap_next) {
    dirty |= mmu_is_dirty(p->space->pml4, (void *)p->va);
    mmu_unmap_page(p->space->pml4, (void *)p->va);
  }
  intr_set_level(old);
  enum evict_kind k = f->rmap->ops->evict(f->rmap, frame_kva(f), dirty);
  if (k == EVICT_FAIL) {
    for (struct page *p = f->rmap; p != NULL; p = p->rmap_next) {
      page_map(p);
      if (dirty)
        mmu_set_dirty(p->space->pml4, (void *)p->va, true);
    }
    return k;
  }
  while (f->rmap != NULL) {
    struct page *p = f->rmap;
    f->rmap = p->rmap_next;
    p->rmap_next = NULL;
    p->frame = NULL;
  }
  f->refs = 0;
  return k;
}

/* Needs: frame_lock held. Evicts one frame chosen by the policy; returns it pinned and
   empty, or NULL if no candidate could be evicted (*BUSY: some were skipped only because
   another thread held their space's lock, so waiting may help). */
static struct frame *frame_evict(bool *busy)
{
  static const enum vm_stat counter[] = {
      [EVICT_SWAP] = VM_EVICT_SWAP, [EVICT_WRITE] = VM_EVICT_WRITE, [EVICT_DROP] = VM_EVICT_DROP};
  struct owners o;
  struct frame *f;
  for (vm_policy->begin(); (f = vm_policy->next()) != NULL;) {
    if (f->pinned || f->rmap == NULL)
      continue;
    if (!owners_try_lock(f, &o)) {
      *busy = true;
      continue;
    }
    frame_set_pin(f, true);
    vm_policy->remove(f, true);
    f->listed = false;
    enum evict_kind k = frame_write_out(f);
    owners_release(&o);
    if (k != EVICT_FAIL) {
      vm_count(NULL, counter[k]);
      return f;
    }
    vm_policy->add(f);
    f->listed = true;
    frame_set_pin(f, false);
  }
  return NULL;
}

/* How many timer ticks frame_alloc waits, one at a time, when every candidate was busy or
   pinned, before it gives up: each tick lets the holders finish their fault (usually a
   disk transfer) and drop their lock. */
#define FRAME_ALLOC_ROUNDS 200

struct frame *frame_alloc(void)
{
  struct frame *f = NULL;
  for (unsigned round = 0; f == NULL && round < FRAME_ALLOC_ROUNDS; round++) {
    bool busy = false;
    if (round > 0)
      timer_sleep(1);
    lock_acquire(&frame_lock);
    void *kva = palloc_get_page(PAL_USER);
    if (kva != NULL) {
      f = frame_of_kva(kva);
      ASSERT(f->rmap == NULL && !f->listed && !f->pinned);
      if (++frames_in_use > frames_peak)
        frames_peak = frames_in_use;
      frame_set_pin(f, true);
    } else
      f = frame_evict(&busy);
    lock_release(&frame_lock);
    if (!busy && frames_pinned == 0)
      break;
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
  frame_set_pin(f, true);
  lock_release(&frame_lock);
}

/* Guarantees: F evictable again (known to the policy) if pages map it, else freed. */
void frame_unpin(struct frame *f)
{
  lock_acquire(&frame_lock);
  frame_set_pin(f, false);
  if (f->refs > 0 && !f->listed) {
    vm_policy->add(f);
    f->listed = true;
  }
  frame_release_if_unused(f);
  lock_release(&frame_lock);
}

size_t frame_peak(void) { return frames_peak; }
size_t frame_pinned_count(void) { return frames_pinned; }
