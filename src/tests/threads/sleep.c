/* timer_sleep tests: wake-up order of several sleepers, zero and negative durations, and
   that a sleep never ends early. */
#include "devices/timer.h"
#include "tests/threads/tests.h"
#include "threads/synch.h"
#include "threads/thread.h"

#define SLEEPERS 5
#define ROUNDS   3

struct sleeper {
  int id, period;
  int64_t start;
};

static struct lock record_lock;
static int wake_record[SLEEPERS * ROUNDS];
static int wake_count;
static struct semaphore sleepers_done;

/* Sleeps until START + k * PERIOD for k = 1..ROUNDS (absolute targets, so scheduling delays
   do not accumulate) and records each wake-up as id * 10 + round. */
static void sleeper_run(void *aux)
{
  struct sleeper *s = aux;
  for (int k = 1; k <= ROUNDS; k++) {
    timer_sleep(s->start + (int64_t)k * s->period - timer_ticks());
    lock_acquire(&record_lock);
    wake_record[wake_count++] = s->id * 10 + k;
    lock_release(&record_lock);
  }
  sema_up(&sleepers_done);
}

void test_sleep_order(void)
{
  /* Periods chosen so that all 15 wake-up times are at least 3 ticks apart. */
  static const int periods[SLEEPERS] = {20, 27, 34, 41, 57};
  static struct sleeper sleepers[SLEEPERS];
  lock_init(&record_lock);
  sema_init(&sleepers_done, 0);
  wake_count = 0;
  int64_t start = timer_ticks() + 10;
  msg("begin: %d threads sleeping %d times each", SLEEPERS, ROUNDS);
  for (int i = 0; i < SLEEPERS; i++) {
    sleepers[i] = (struct sleeper){i, periods[i], start};
    char name[16] = "sleeper-0";
    name[8] = (char)('0' + i);
    CHECK(thread_create(name, PRI_DEFAULT, sleeper_run, &sleepers[i]) != TID_ERROR,
          "thread_create failed");
  }
  for (int i = 0; i < SLEEPERS; i++)
    sema_down(&sleepers_done);
  for (int i = 0; i < wake_count; i++) {
    int id = wake_record[i] / 10, round = wake_record[i] % 10;
    msg("thread %d woke after round %d (%d ticks)", id, round, round * periods[id]);
    if (i > 0) {
      int prev = wake_record[i - 1];
      CHECK((prev % 10) * periods[prev / 10] < round * periods[id], "wake-ups out of order");
    }
  }
  msg("end");
}

void test_sleep_zero(void)
{
  int64_t start = timer_ticks();
  for (int i = 0; i < 10; i++)
    timer_sleep(0);
  CHECK(timer_elapsed(start) <= 1, "timer_sleep(0) blocked for %lld ticks",
        (long long)timer_elapsed(start));
  msg("10 zero-tick sleeps returned at once");
}

void test_sleep_negative(void)
{
  int64_t start = timer_ticks();
  timer_sleep(-1);
  timer_sleep(-100);
  timer_sleep(INT64_MIN);
  CHECK(timer_elapsed(start) <= 1, "negative sleep blocked for %lld ticks",
        (long long)timer_elapsed(start));
  msg("negative sleeps returned at once");
}

void test_sleep_duration(void)
{
  for (int t = 1; t <= 16; t *= 2) {
    int64_t start = timer_ticks();
    timer_sleep(t);
    int64_t slept = timer_elapsed(start);
    CHECK(slept >= t, "asked for %d ticks, woke after %lld", t, (long long)slept);
    msg("slept at least %d ticks", t);
  }
}
