/* Synchronisation tests under preemption: each critical section yields or spins so that a
   broken primitive shows as a wrong total, not as luck. */
#include "lib/string.h"
#include "tests/threads/tests.h"
#include "threads/interrupt.h"
#include "threads/palloc.h"
#include "threads/synch.h"
#include "threads/thread.h"

static struct semaphore done;

static void wait_for(int n)
{
  for (int i = 0; i < n; i++)
    sema_down(&done);
}

/* --- lock-mutex: read-yield-write increments must not lose updates. --- */
#define MUTEX_THREADS 6
#define MUTEX_ROUNDS  50
static struct lock counter_lock;
static volatile int counter;

static void mutex_worker(void *aux)
{
  int spin = (int)(long)aux;
  for (int i = 0; i < MUTEX_ROUNDS; i++) {
    lock_acquire(&counter_lock);
    int v = counter;
    if (i % 2)
      thread_yield();
    else
      for (volatile int s = 0; s < spin; s++)
        continue;
    counter = v + 1;
    lock_release(&counter_lock);
  }
  sema_up(&done);
}

void test_lock_mutex(void)
{
  lock_init(&counter_lock);
  sema_init(&done, 0);
  counter = 0;
  for (int i = 0; i < MUTEX_THREADS; i++)
    CHECK(thread_create("mutex", PRI_DEFAULT, mutex_worker, (void *)(long)(i * 300)) != TID_ERROR,
          "thread_create failed");
  wait_for(MUTEX_THREADS);
  CHECK(counter == MUTEX_THREADS * MUTEX_ROUNDS, "counter is %d, expected %d", counter,
        MUTEX_THREADS * MUTEX_ROUNDS);
  msg("%d threads x %d locked increments = %d", MUTEX_THREADS, MUTEX_ROUNDS, counter);
}

/* --- sema-pingpong: two threads strictly alternate through two semaphores. --- */
static struct semaphore ping, pong;
static char trace[64];
static int trace_len;

static void pong_thread(void *aux UNUSED)
{
  for (int i = 0; i < 8; i++) {
    sema_down(&ping);
    trace[trace_len++] = 'o';
    sema_up(&pong);
  }
  sema_up(&done);
}

void test_sema_pingpong(void)
{
  sema_init(&ping, 0);
  sema_init(&pong, 0);
  sema_init(&done, 0);
  trace_len = 0;
  CHECK(thread_create("pong", PRI_DEFAULT, pong_thread, NULL) != TID_ERROR, "thread_create failed");
  for (int i = 0; i < 8; i++) {
    trace[trace_len++] = 'i';
    sema_up(&ping);
    sema_down(&pong);
  }
  wait_for(1);
  trace[trace_len] = '\0';
  msg("trace %s", trace);
}

/* --- bounded buffer with a lock and two condition variables, and with semaphores. --- */
#define BUF_SIZE           3
#define PRODUCERS          3
#define CONSUMERS          2
#define ITEMS_PER_PRODUCER 40
static int buffer[BUF_SIZE];
static int buf_head, buf_count;
static struct lock buf_lock;
static struct condition not_full, not_empty;
static long consumed_sum;
static int consumed_count;
static int items_left;

static void cond_producer(void *aux)
{
  int base = (int)(long)aux * 1000;
  for (int i = 1; i <= ITEMS_PER_PRODUCER; i++) {
    lock_acquire(&buf_lock);
    while (buf_count == BUF_SIZE)
      cond_wait(&not_full, &buf_lock);
    buffer[(buf_head + buf_count++) % BUF_SIZE] = base + i;
    cond_signal(&not_empty, &buf_lock);
    lock_release(&buf_lock);
    if (i % 7 == 0)
      thread_yield();
  }
  sema_up(&done);
}

static void cond_consumer(void *aux UNUSED)
{
  for (;;) {
    lock_acquire(&buf_lock);
    while (buf_count == 0 && items_left > 0)
      cond_wait(&not_empty, &buf_lock);
    if (items_left == 0) {
      cond_broadcast(&not_empty, &buf_lock);
      lock_release(&buf_lock);
      break;
    }
    int v = buffer[buf_head];
    buf_head = (buf_head + 1) % BUF_SIZE;
    buf_count--;
    items_left--;
    consumed_sum += v;
    consumed_count++;
    if (items_left == 0)
      cond_broadcast(&not_empty, &buf_lock);
    cond_signal(&not_full, &buf_lock);
    lock_release(&buf_lock);
  }
  sema_up(&done);
}

static long expected_sum(void)
{
  long sum = 0;
  for (int p = 0; p < PRODUCERS; p++)
    for (int i = 1; i <= ITEMS_PER_PRODUCER; i++)
      sum += p * 1000 + i;
  return sum;
}

void test_cond_prodcons(void)
{
  lock_init(&buf_lock);
  cond_init(&not_full);
  cond_init(&not_empty);
  sema_init(&done, 0);
  buf_head = buf_count = consumed_count = 0;
  consumed_sum = 0;
  items_left = PRODUCERS * ITEMS_PER_PRODUCER;
  for (int c = 0; c < CONSUMERS; c++)
    CHECK(thread_create("consumer", PRI_DEFAULT, cond_consumer, NULL) != TID_ERROR, "create");
  for (int p = 0; p < PRODUCERS; p++)
    CHECK(thread_create("producer", PRI_DEFAULT, cond_producer, (void *)(long)p) != TID_ERROR,
          "create");
  wait_for(PRODUCERS + CONSUMERS);
  CHECK(consumed_count == PRODUCERS * ITEMS_PER_PRODUCER, "consumed %d items", consumed_count);
  CHECK(consumed_sum == expected_sum(), "sum %ld, expected %ld", consumed_sum, expected_sum());
  msg("%d producers, %d consumers, buffer of %d: consumed %d items, sum %ld", PRODUCERS, CONSUMERS,
      BUF_SIZE, consumed_count, consumed_sum);
}

static struct semaphore slots, items, buf_mutex;

static void sema_producer(void *aux)
{
  int base = (int)(long)aux * 1000;
  for (int i = 1; i <= ITEMS_PER_PRODUCER; i++) {
    sema_down(&slots);
    sema_down(&buf_mutex);
    buffer[(buf_head + buf_count++) % BUF_SIZE] = base + i;
    sema_up(&buf_mutex);
    sema_up(&items);
  }
  sema_up(&done);
}

static void sema_consumer(void *aux)
{
  int n = (int)(long)aux;
  for (int i = 0; i < n; i++) {
    sema_down(&items);
    sema_down(&buf_mutex);
    int v = buffer[buf_head];
    buf_head = (buf_head + 1) % BUF_SIZE;
    buf_count--;
    consumed_sum += v;
    consumed_count++;
    sema_up(&buf_mutex);
    sema_up(&slots);
  }
  sema_up(&done);
}

void test_sema_prodcons(void)
{
  sema_init(&slots, BUF_SIZE);
  sema_init(&items, 0);
  sema_init(&buf_mutex, 1);
  sema_init(&done, 0);
  buf_head = buf_count = consumed_count = 0;
  consumed_sum = 0;
  int total = PRODUCERS * ITEMS_PER_PRODUCER;
  CHECK(thread_create("consumer", PRI_DEFAULT, sema_consumer, (void *)(long)(total / 2)) !=
            TID_ERROR,
        "create");
  CHECK(thread_create("consumer", PRI_DEFAULT, sema_consumer, (void *)(long)(total - total / 2)) !=
            TID_ERROR,
        "create");
  for (int p = 0; p < PRODUCERS; p++)
    CHECK(thread_create("producer", PRI_DEFAULT, sema_producer, (void *)(long)p) != TID_ERROR,
          "create");
  wait_for(PRODUCERS + 2);
  CHECK(consumed_count == total, "consumed %d items", consumed_count);
  CHECK(consumed_sum == expected_sum(), "sum %ld, expected %ld", consumed_sum, expected_sum());
  msg("consumed %d items through semaphores, sum %ld", consumed_count, consumed_sum);
}

/* --- thread-many: 40 short threads; every page comes back. --- */
static void short_thread(void *aux UNUSED) { sema_up(&done); }

void test_thread_many(void)
{
  struct palloc_usage before, after;
  sema_init(&done, 0);
  palloc_get_usage(&before);
  for (int round = 0; round < 4; round++) {
    for (int i = 0; i < 10; i++)
      CHECK(thread_create("short", PRI_DEFAULT, short_thread, NULL) != TID_ERROR, "create");
    wait_for(10);
  }
  /* Let the last threads finish dying (their pages are freed by the next thread to run). */
  thread_yield();
  palloc_get_usage(&after);
  CHECK(after.kernel_used == before.kernel_used, "kernel pages in use %zu -> %zu",
        before.kernel_used, after.kernel_used);
  msg("40 threads created and finished; kernel pool back to its starting use");
}

/* --- preempt: a thread that never yields must not starve another. --- */
static volatile bool flag;

static void spinner(void *aux UNUSED)
{
  while (!flag)
    barrier();
  sema_up(&done);
}

static void setter(void *aux UNUSED)
{
  flag = true;
  sema_up(&done);
}

void test_preempt(void)
{
  flag = false;
  sema_init(&done, 0);
  CHECK(thread_create("spinner", PRI_DEFAULT, spinner, NULL) != TID_ERROR, "create");
  CHECK(thread_create("setter", PRI_DEFAULT, setter, NULL) != TID_ERROR, "create");
  wait_for(2);
  msg("spinning thread was preempted; the flag was set");
}

/* --- deliberate failures for the harness's own tests. --- */
void test_debug_panic(void)
{
  msg("about to panic");
  PANIC("deliberate panic from debug-panic");
}

void test_debug_loop(void)
{
  msg("about to loop forever");
  for (;;)
    barrier();
}

void test_debug_fault(void)
{
  msg("about to dereference a bad kernel address");
  volatile int *p = (int *)0x8fffffff0000ULL;
  *p = 1;
  msg("survived?");
}
