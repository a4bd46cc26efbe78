#ifndef TESTS_THREADS_TESTS_H
#define TESTS_THREADS_TESTS_H

#include "lib/debug.h"

/* Kernel self-tests, run by the `run NAME` action. Each prints "(NAME) ..." lines through
   msg(); fail() reports a failed check and panics, which the harness reports as a crash. */
struct selftest {
  const char *name;
  void (*function)(void);
};

const struct selftest *selftest_find(const char *name);
void msg(const char *fmt, ...) PRINTF_FORMAT(1, 2);
void fail(const char *fmt, ...) PRINTF_FORMAT(1, 2) NO_RETURN;
#define CHECK(COND, ...)                                                                           \
  do {                                                                                             \
    if (!(COND))                                                                                   \
      fail(__VA_ARGS__);                                                                           \
  } while (0)

void test_sleep_order(void);
void test_sleep_zero(void);
void test_sleep_negative(void);
void test_sleep_duration(void);
void test_lock_mutex(void);
void test_sema_pingpong(void);
void test_cond_prodcons(void);
void test_sema_prodcons(void);
void test_thread_many(void);
void test_preempt(void);
void test_debug_panic(void);
void test_debug_loop(void);
void test_debug_fault(void);
void test_palloc_exhaust(void);
void test_malloc_stress(void);
void test_pagetable(void);
void test_block_rw(void);

#endif
