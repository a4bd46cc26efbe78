#include "threads/synch.h"
#include "lib/debug.h"
#include "threads/interrupt.h"
#include "threads/thread.h"

/* Semaphores are the primitive: interrupts off protect the count and the FIFO wait list.
   Locks and condition variables are built on them. Waiters are woken in arrival order. */

void sema_init(struct semaphore *s, unsigned value)
{
  s->value = value;
  list_init(&s->waiters);
}

/* Needs: interrupts off. Sleeps until S's value is positive (out of line: the common case
   never sleeps, and the sleeping loop would cost every sema_down its registers). */
static void __attribute__((noinline)) sema_sleep(struct semaphore *s)
{
  while (s->value == 0) {
    list_push_back(&s->waiters, &thread_current()->elem);
    thread_block();
  }
}

/* Waits until the value is positive, then decrements it. May sleep: not from interrupt
   handlers. */
void sema_down(struct semaphore *s)
{
  ASSERT(!intr_context());
  enum intr_level old = intr_disable();
  if (s->value == 0)
    sema_sleep(s);
  s->value--;
  intr_set_level(old);
}

bool sema_try_down(struct semaphore *s)
{
  enum intr_level old = intr_disable();
  bool ok = s->value > 0;
  if (ok)
    s->value--;
  intr_set_level(old);
  return ok;
}

/* Increments the value and wakes the longest waiter. Safe from interrupt handlers. */
void sema_up(struct semaphore *s)
{
  enum intr_level old = intr_disable();
  if (!list_empty(&s->waiters))
    thread_unblock(list_entry(list_pop_front(&s->waiters), struct thread, elem));
  s->value++;
  intr_set_level(old);
}

void lock_init(struct lock *l)
{
  l->holder = NULL;
  sema_init(&l->semaphore, 1);
}

/* Acquires L, sleeping until it is free. Not recursive: the holder must not acquire again. */
void lock_acquire(struct lock *l)
{
  struct thread *cur = thread_current();
  ASSERT(l->holder != cur);
  sema_down(&l->semaphore);
  l->holder = cur;
}

bool lock_try_acquire(struct lock *l)
{
  struct thread *cur = thread_current();
  ASSERT(l->holder != cur);
  bool ok = sema_try_down(&l->semaphore);
  if (ok)
    l->holder = cur;
  return ok;
}

void lock_release(struct lock *l)
{
  ASSERT(lock_held_by_current_thread(l));
  l->holder = NULL;
  sema_up(&l->semaphore);
}

bool lock_held_by_current_thread(const struct lock *l) { return l->holder == thread_current(); }

/* Each waiter of a condition sleeps on its own semaphore, queued in arrival order. */
struct cond_waiter {
  struct list_elem elem;
  struct semaphore sema;
};

void cond_init(struct condition *c) { list_init(&c->waiters); }

/* Atomically releases L and waits for a signal, then reacquires L. Mesa semantics: the
   caller rechecks its condition in a loop. */
void cond_wait(struct condition *c, struct lock *l)
{
  struct cond_waiter w;
  ASSERT(lock_held_by_current_thread(l));
  sema_init(&w.sema, 0);
  list_push_back(&c->waiters, &w.elem);
  lock_release(l);
  sema_down(&w.sema);
  lock_acquire(l);
}

void cond_signal(struct condition *c, struct lock *l)
{
  ASSERT(lock_held_by_current_thread(l));
  if (!list_empty(&c->waiters))
    sema_up(&list_entry(list_pop_front(&c->waiters), struct cond_waiter, elem)->sema);
}

void cond_broadcast(struct condition *c, struct lock *l)
{
  while (!list_empty(&c->waiters))
    cond_signal(c, l);
}
