#ifndef VM_FRAME_WAIT_H
#define VM_FRAME_WAIT_H

/* PRIVATE to src/vm. Getting a frame for a page, evicting and waiting if need be
   (frame_wait.c); every caller holds at most its own space's lock. */

#include <stdbool.h>

struct frame;
struct lock;
struct vm_space;

/* A pinned, unowned frame (contents undefined), evicting if need be. The caller may hold
   one space lock (its own): pages of that space may be evicted. OWN_PINS: frame pins the
   caller holds. NULL if nothing can be evicted (swap full or absent, the rest pinned or
   busy for FRAME_ALLOC_ROUNDS ticks). */
struct frame *frame_alloc(unsigned own_pins);
/* One attempt of frame_alloc that never waits: NULL with *BUSY set if a frame is on its
   way back (another thread's space lock or pin will be dropped): out of memory otherwise. */
struct frame *frame_try_alloc(unsigned own_pins, bool *busy);
/* frame_alloc (WAIT) or frame_try_alloc (*BUSY as it says) of a frame for a copy of SRC's
   contents: SRC is pinned under the first taking of frame_lock, before anything can be
   evicted, and stays pinned (also when NULL is returned) until the caller unpins it. */
struct frame *frame_alloc_copy(struct frame *src, bool wait, bool *busy);
/* Needs: no lock held, the last frame_try_alloc of this thread said busy. Waits until a
   frame may have come back: for the lock of the space it found busy, yielded by its holder
   (frame_yield_waiters), else for one tick. */
void frame_wait(void);
/* Needs: frame_lock held. True if L's holder sleeps in frame_alloc: L comes free only when
   that thread gets a frame, so a frame behind L is not on its way back. */
bool frame_lock_holder_waits(const struct lock *l);
/* Needs: frame_lock held. True if L's holder is blocked on frame_lock at the start of an
   allocation (frame_try_alloc): it touches none of its pages until the caller is done, so
   the caller may evict them as if it held L. */
bool frame_lock_holder_parked(const struct lock *l);
/* Needs: S's lock just released by this thread. Lets faults waiting for it run first. */
void frame_yield_waiters(struct vm_space *s);

#endif
