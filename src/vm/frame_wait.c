/* Waiting for a frame. An allocation that finds no frame either waits, because one is on
   its way back (another thread holds the lock of a space with an evictable frame, or a pin
   it will drop), or fails at once (out of memory). This file keeps the threads that wait
   and what they wait for, so that the evictor can tell "busy" from "gone": a frame behind
   a thread that itself waits for a frame is not on its way back (alloc_waiters), and a
   thread parked on frame_lock at the start of an allocation may have its frames evicted
   as if the evictor held its lock (parked). The frame table itself is frame.c. */

#include "devices/timer.h"
#include "threads/interrupt.h"
#include "threads/thread.h"
#include "vm/frame.h"
#include "vm/frame_wait.h"
#include "vm/space.h"

/* A set of threads (NULL entries are free) that the evictor asks about once per busy
   victim candidate (a search may meet hundreds): entries at or past HI are all NULL, and
   MASK has the bit of every listed thread (waiters_bit), so the usual answer, no, costs a
   load and a test. */
#define WAITERS_MAX 32
struct waiters {
  const struct thread *table[WAITERS_MAX];
  size_t n;  /* entries in use at most (the table's capacity) */
  size_t hi; /* the entries from HI on are NULL */
  uint64_t mask;
};

/* Threads asleep in frame_alloc holding space locks and ALLOC_PINS pins (fork's copies):
   what they hold comes back only when they get a frame, so it is not on its way back. */
static struct waiters alloc_waiters = {.n = 16};
static size_t alloc_pins;
/* Threads blocked on frame_lock at the start of frame_try_alloc: each holds its space
   lock(s) and does nothing with its pages until it has frame_lock, so the holder of
   frame_lock may evict their frames as if it held their locks. */
static struct waiters parked = {.n = 32};
/* The space the last frame_try_alloc found busy, for HINT_THREAD's frame_wait. */
static struct thread *hint_thread;
static struct vm_space *hint_space;

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

/* T's bit in a waiters mask: threads are page-aligned, so their page numbers differ. */
static uint64_t waiters_bit(const struct thread *t) { return 1ull << (((uintptr_t)t >> 12) % 64); }

/* True if L is held by a thread of W. */
static bool waiters_hold(const struct waiters *w, const struct lock *l)
{
  const struct thread *holder = l->holder;
  if (holder == NULL || !(w->mask & waiters_bit(holder)))
    return false;
  for (size_t i = 0; i < w->hi; i++)
    if (w->table[i] == holder)
      return true;
  return false;
}

/* Needs: W guarded by the caller (frame_lock or interrupts off). Lists the current thread
   in a free entry of W; its index, or W->n if W is full. */
static size_t waiters_enter(struct waiters *w)
{
  size_t i;
  for (i = 0; i < w->n && w->table[i] != NULL; i++)
    continue;
  if (i < w->n) {
    w->table[i] = thread_current();
    w->mask |= waiters_bit(w->table[i]);
    if (w->hi <= i)
      w->hi = i + 1;
  }
  return i;
}

/* Needs: as waiters_enter. Frees entry I of W. */
static void waiters_leave(struct waiters *w, size_t i)
{
  w->table[i] = NULL;
  while (w->hi > 0 && w->table[w->hi - 1] == NULL)
    w->hi--;
  w->mask = 0;
  for (size_t j = 0; j < w->hi; j++)
    if (w->table[j] != NULL)
      w->mask |= waiters_bit(w->table[j]);
}

bool frame_lock_holder_parked(const struct lock *l) { return waiters_hold(&parked, l); }

/* Takes frame_lock, listed in PARKED while blocked on it (if there is room). A thread that
   finds the lock free is never blocked on it, so it is not listed. */
static void frame_lock_parked(void)
{
  if (lock_try_acquire(&frame_lock))
    return;
  enum intr_level old = intr_disable();
  size_t i = waiters_enter(&parked);
  intr_set_level(old);
  lock_acquire(&frame_lock);
  if (i < parked.n) {
    old = intr_disable();
    waiters_leave(&parked, i);
    intr_set_level(old);
  }
}

/* frame_try_alloc; PIN (if not NULL) is pinned first, under the same taking of frame_lock.
   A thread with a frame to pin waits for frame_lock without being listed as parked: a
   parked thread's spaces count as locked to the evictor, which could then take PIN (a
   frame of those spaces) before it is pinned, and the copy would read another page. */
static struct frame *frame_try_alloc_pin(unsigned own_pins, struct frame *pin, bool *busy)
{
  struct vm_space *busy_space = NULL;
  if (pin != NULL) {
    lock_acquire(&frame_lock);
    frame_set_pin_locked(pin, true);
  } else
    frame_lock_parked();
  struct frame *f = frame_get_locked(&busy_space);
  *busy = f == NULL && (busy_space != NULL || frame_pins_locked() > own_pins + alloc_pins);
  if (f == NULL)
    frame_set_hint(busy_space);
  else if (busy_space != NULL)
    space_unref(busy_space);
  lock_release(&frame_lock);
  return f;
}

struct frame *frame_try_alloc(unsigned own_pins, bool *busy)
{
  return frame_try_alloc_pin(own_pins, NULL, busy);
}

bool frame_lock_holder_waits(const struct lock *l) { return waiters_hold(&alloc_waiters, l); }

/* Sleeps one tick as a waiter of frame_alloc (see alloc_waiters); the current thread just
   sleeps if the table is full. */
static void frame_alloc_sleep(unsigned own_pins)
{
  lock_acquire(&frame_lock);
  size_t i = waiters_enter(&alloc_waiters);
  if (i < alloc_waiters.n)
    alloc_pins += own_pins;
  lock_release(&frame_lock);
  timer_sleep(1);
  if (i < alloc_waiters.n) {
    lock_acquire(&frame_lock);
    waiters_leave(&alloc_waiters, i);
    alloc_pins -= own_pins;
    lock_release(&frame_lock);
  }
}

/* frame_alloc; PIN (if not NULL) is pinned first, under the first taking of frame_lock. */
static struct frame *frame_alloc_pin(unsigned own_pins, struct frame *pin)
{
  bool busy = true;
  struct frame *f = NULL;
  for (unsigned round = 0; f == NULL && busy && round < FRAME_ALLOC_ROUNDS; round++) {
    if (round > 0)
      frame_alloc_sleep(own_pins);
    f = frame_try_alloc_pin(own_pins, round == 0 ? pin : NULL, &busy);
  }
  if (hint_thread == thread_current()) {
    lock_acquire(&frame_lock);
    if (hint_thread == thread_current())
      frame_set_hint(NULL);
    lock_release(&frame_lock);
  }
  return f;
}

struct frame *frame_alloc(unsigned own_pins) { return frame_alloc_pin(own_pins, NULL); }

struct frame *frame_alloc_copy(struct frame *src, bool wait, bool *busy)
{
  *busy = false;
  return wait ? frame_alloc_pin(1, src) : frame_try_alloc_pin(1, src, busy);
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
