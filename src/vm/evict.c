/* Eviction: called by frame_alloc with the frame-table lock held when the user pool is
   empty. The policy offers candidates; a pinned frame, or one whose owners' space locks
   cannot all be taken without waiting, is skipped. The victim is unmapped from every page
   of its reverse map (their dirty bits combined) and its contents saved by the page type:
   to swap, written back to its file, or dropped. */

#include "threads/interrupt.h"
#include "threads/mmu.h"
#include "threads/thread.h"
#include "vm/evict.h"
#include "vm/frame.h"
#include "vm/frame_wait.h"
#include "vm/page.h"
#include "vm/policy.h"
#include "vm/space.h"
#include "vm/stats.h"
#include "vm/swap.h"
#include "vm/trace.h"
#include "vm/trace_ring.h"

/* Needs: frame_lock held. True if F was filled for a fault of the current thread whose
   access has not happened yet (no mapping of F has its accessed bit set): the instruction
   that faulted needs F and another page at once, so taking F back would only make it fault
   on F again (the livelock of issue 18: two clean pages dropped through one frame). */
static bool frame_needed_by_current(struct frame *f)
{
  if (f->fresh == NULL)
    return false;
  for (struct page *p = f->rmap; p != NULL; p = p->rmap_next)
    if (mmu_is_accessed(p->space->pml4, (void *)p->va)) {
      f->fresh = NULL;
      return false;
    }
  return f->fresh == thread_current();
}

/* Needs: frame_lock held. False if F certainly cannot be saved now: its contents need a
   new swap slot (anonymous, or a written executable page, not already a clean copy in
   the slot it holds) and swap is full. Cheap (no unmapping, no slot search), so a victim
   search that finds nothing costs one pass of these checks (the time to an out-of-memory
   kill): an anonymous page with no slot is refused before its mappings are walked, since
   with swap full those are nearly all the frames. The page type says which of its pages
   qualify (page_ops.when_swap_full). True means "try" (the type's evict decides). */
static bool frame_may_save(const struct frame *f)
{
  const struct page *p = f->rmap;
  if (!swap_full())
    return true;
  enum page_full_swap rule = p->ops->when_swap_full;
  if (rule == FULL_SWAP_ANY)
    return true;
  if (rule == FULL_SWAP_CLEAN_IN_SLOT && p->slot == SWAP_NONE)
    return false; /* no slot to fall back on: dirty or not, it needs a new one */
  bool dirty = false;
  for (const struct page *q = p; q != NULL; q = q->rmap_next)
    dirty |= mmu_is_dirty(q->space->pml4, (void *)q->va);
  return !dirty;
}

/* The last space the current victim search found busy (its lock held by REFUSE_HOLDER,
   neither this thread nor a parked one) after it had named a busy space: while that holds,
   a frame mapped by that space alone, not fresh, would be refused again with nothing done
   (evict_one), so the policy may pass over it (evict_refused_space). NULL outside a
   search. */
static const struct vm_space *refuse_space;
static const struct thread *refuse_holder;

/* Needs: frame_lock held, in a victim search, interrupts off. */
const struct vm_space *evict_refused_space(void)
{
  const struct vm_space *s = refuse_space;
  if (s == NULL || s->lock.holder != refuse_holder || frame_lock_holder_parked(&s->lock))
    return NULL;
  return s;
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
   the current thread already holds (the faulting one, or fork's two), or whose holder is
   parked on frame_lock in frame_try_alloc (frame.c), counts as locked. CUR: the current
   thread.
   False, with nothing taken, if any is busy (*BUSY: the first busy space, referenced, if
   none was named yet) or F has too many owners. */
static bool owners_try_lock(struct frame *f, struct owners *o, struct vm_space **busy,
                            const struct thread *cur)
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
    /* A lock with a holder cannot be taken: only a free one is tried. */
    struct lock *l = &p->space->lock;
    const struct thread *holder = l->holder;
    bool held = holder == cur || (holder != NULL && frame_lock_holder_parked(l));
    if (!held && (holder != NULL || !lock_try_acquire(l))) {
      if (*busy == NULL && !frame_lock_holder_waits(&p->space->lock)) {
        enum intr_level old = intr_disable();
        p->space->refs++;
        intr_set_level(old);
        *busy = p->space;
      }
      if (*busy != NULL && holder != NULL) {
        refuse_space = p->space;
        refuse_holder = holder;
      }
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
  VM_TRACE(vm_trace_evict(f, k));
  while (f->rmap != NULL) {
    struct page *p = f->rmap;
    f->rmap = p->rmap_next;
    p->rmap_next = NULL;
    p->frame = NULL;
  }
  f->refs = 0;
  frame_uncache_locked(f);
  return k;
}

/* Needs: frame_lock held. Evicts one frame chosen by the policy; returns it pinned and
   empty, or NULL if no candidate could be evicted (*BUSY: see evict.h). */
struct frame *evict_one(struct vm_space **busy)
{
  static const enum vm_stat counter[] = {
      [EVICT_SWAP] = VM_EVICT_SWAP, [EVICT_WRITE] = VM_EVICT_WRITE, [EVICT_DROP] = VM_EVICT_DROP};
  const struct thread *cur = thread_current();
  struct owners o;
  struct frame *f;
  refuse_space = NULL;
  for (vm_policy->begin(); (f = vm_policy->next()) != NULL;) {
    if (f->pinned || f->rmap == NULL || frame_needed_by_current(f) || !frame_may_save(f))
      continue;
    if (!owners_try_lock(f, &o, busy, cur))
      continue;
    frame_set_pin_locked(f, true);
    vm_policy->remove(f, true);
    f->listed = false;
    enum evict_kind k = frame_write_out(f);
    owners_release(&o);
    if (k != EVICT_FAIL) {
      vm_count(NULL, counter[k]);
      break;
    }
    vm_policy->add(f);
    f->listed = true;
    frame_set_pin_locked(f, false);
  }
  refuse_space = NULL;
  return f;
}
