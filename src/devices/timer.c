#include "devices/timer.h"
#include "lib/debug.h"
#include "lib/kernel/list.h"
#include "lib/random.h"
#include "lib/stdio.h"
#include "threads/interrupt.h"
#include "threads/io.h"
#include "threads/thread.h"

/* 8254 PIT channel 0 in rate-generator mode (mode 2) at TIMER_FREQ Hz. With a seed
   (timer_set_seed), the PIT instead interrupts at seeded short intervals, from
   TIMER_POINT_MIN to TIMER_POINT_MAX instructions (at the ips the kernel was told, far
   finer than a tick): each interrupt is either a tick, when the PIT counts elapsed since
   the last tick reach a tick's worth (so the average rate stays TIMER_FREQ), or a pure
   preemption point where the running thread yields with probability one half. The same
   seed always gives the same interrupts and choices; seed 0 keeps the exact 100 Hz.
   In mode 2 a count written now takes effect at the reload after the next one (the
   reload at this interrupt already latched the previous count: Intel 8254 data sheet,
   mode 2), so the counts in flight are kept in a two-entry queue. */
#define PIT_HZ          1193182
#define PIT_NOMINAL     ((PIT_HZ + TIMER_FREQ / 2) / TIMER_FREQ)
#define TIMER_POINT_MIN 5000
#define TIMER_POINT_MAX 100000

static volatile int64_t ticks;
static uint64_t timer_seed, timer_ips = 100000000;
static unsigned pit_queue[2] = {PIT_NOMINAL, PIT_NOMINAL}; /* counts of the next 2 periods */
static unsigned pit_since_tick;                            /* PIT counts since the last tick */
static uint64_t gap_last_tsc, gap_max;                     /* see timer_reset_gap */
static struct list sleepers; /* ordered by wakeup_tick, then by arrival */

static void pit_load(unsigned count)
{
  outb(0x40, count & 0xFF);
  outb(0x40, count >> 8);
}

static void timer_interrupt(struct intr_frame *f);

void timer_set_seed(uint64_t seed, uint64_t ips)
{
  timer_seed = seed;
  if (ips != 0)
    timer_ips = ips;
}

/* Seeded count for a period after the next: TIMER_POINT_MIN..MAX instructions at
   timer_ips, in PIT counts, at least 2 and at most a tick. */
static unsigned timer_point_count(void)
{
  uint64_t instr = TIMER_POINT_MIN + random_u64() % (TIMER_POINT_MAX - TIMER_POINT_MIN + 1);
  uint64_t count = instr * PIT_HZ / timer_ips;
  return count < 2 ? 2 : count > PIT_NOMINAL ? PIT_NOMINAL : (unsigned)count;
}

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

void timer_reset_gap(void)
{
  enum intr_level old = intr_disable();
  gap_last_tsc = rdtsc();
  gap_max = 0;
  intr_set_level(old);
}

int timer_format_stats(char *buf, size_t size)
{
  return snprintf(buf, size, " tick_gap_max=%llu", (unsigned long long)gap_max);
}

static void timer_interrupt(struct intr_frame *f)
{
  if (gap_last_tsc != 0) {
    uint64_t now = rdtsc();
    if (now - gap_last_tsc > gap_max)
      gap_max = now - gap_last_tsc;
    gap_last_tsc = now;
  }
  if (timer_seed) {
    unsigned elapsed = pit_queue[0];
    pit_queue[0] = pit_queue[1];
    pit_queue[1] = timer_point_count();
    pit_load(pit_queue[1]);
    pit_since_tick += elapsed;
    if (pit_since_tick < PIT_NOMINAL) {
      thread_preempt_point(random_u64() & 1);
      return;
    }
    pit_since_tick -= PIT_NOMINAL;
  }
  ticks++;
  while (!list_empty(&sleepers)) {
    struct thread *t = list_entry(list_front(&sleepers), struct thread, sleep_elem);
    if (t->wakeup_tick > ticks)
      break;
    list_pop_front(&sleepers);
    thread_unblock(t);
  }
  thread_tick((f->cs & 3) == 3);
}
