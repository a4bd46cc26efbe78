#include "devices/timer.h"
#include "lib/debug.h"
#include "lib/kernel/list.h"
#include "lib/random.h"
#include "threads/interrupt.h"
#include "threads/io.h"
#include "threads/thread.h"

/* 8254 PIT channel 0 in rate-generator mode (mode 2) at TIMER_FREQ Hz. With a seed
   (timer_set_seed), every tick reloads the counter with a pseudo-random count between half
   and one and a half times the nominal one: the average rate stays TIMER_FREQ but the
   instruction at which each tick lands changes with the seed, exposing different
   interleavings; the same seed always gives the same ticks. */
#define PIT_HZ      1193182
#define PIT_NOMINAL ((PIT_HZ + TIMER_FREQ / 2) / TIMER_FREQ)

static volatile int64_t ticks;
static uint64_t timer_seed;
static struct list sleepers; /* ordered by wakeup_tick, then by arrival */

static void pit_load(unsigned count)
{
  outb(0x40, count & 0xFF);
  outb(0x40, count >> 8);
}

static void timer_interrupt(struct intr_frame *f);

void timer_set_seed(uint64_t seed) { timer_seed = seed; }

void timer_init(void)
{
  list_init(&sleepers);
  if (timer_seed)
    random_init(timer_seed);
  outb(0x43, 0x34); /* channel 0, lobyte/hibyte, mode 2 */
  pit_load(PIT_NOMINAL);
  intr_register_ext(0x20, timer_interrupt, "8254 Timer");
}

int64_t timer_ticks(void)
{
  enum intr_level old = intr_disable();
  int64_t t = ticks;
  intr_set_level(old);
  return t;
}

int64_t timer_elapsed(int64_t then) { return timer_ticks() - then; }

static bool wakeup_less(const struct list_elem *a, const struct list_elem *b, void *aux UNUSED)
{
  return list_entry(a, struct thread, sleep_elem)->wakeup_tick <
         list_entry(b, struct thread, sleep_elem)->wakeup_tick;
}

/* Blocks the caller until at least TICKS ticks have passed. The thread sits on the sleeper
   list and is unblocked by the timer interrupt: no polling. Needs interrupts on. */
void timer_sleep(int64_t t)
{
  if (t <= 0)
    return;
  ASSERT(intr_get_level() == INTR_ON);
  enum intr_level old = intr_disable();
  struct thread *cur = thread_current();
  cur->wakeup_tick = ticks + t;
  list_insert_ordered(&sleepers, &cur->sleep_elem, wakeup_less, NULL);
  thread_block();
  intr_set_level(old);
}

void timer_msleep(int64_t ms) { timer_sleep(ms * TIMER_FREQ / 1000); }

static void timer_interrupt(struct intr_frame *f)
{
  ticks++;
  if (timer_seed)
    pit_load(PIT_NOMINAL / 2 + random_u64() % PIT_NOMINAL);
  while (!list_empty(&sleepers)) {
    struct thread *t = list_entry(list_front(&sleepers), struct thread, sleep_elem);
    if (t->wakeup_tick > ticks)
      break;
    list_pop_front(&sleepers);
    thread_unblock(t);
  }
  thread_tick((f->cs & 3) == 3);
}
