#include "tests/threads/tests.h"
#include <stdarg.h>
#include "lib/stdio.h"
#include "lib/string.h"
#include "tests/threads/fs-selftest.h"

static const struct selftest selftests[] = {
    {"sleep-order", test_sleep_order},
    {"sleep-zero", test_sleep_zero},
    {"sleep-negative", test_sleep_negative},
    {"sleep-duration", test_sleep_duration},
    {"lock-mutex", test_lock_mutex},
    {"sema-pingpong", test_sema_pingpong},
    {"cond-prodcons", test_cond_prodcons},
    {"sema-prodcons", test_sema_prodcons},
    {"thread-many", test_thread_many},
    {"preempt", test_preempt},
    {"debug-panic", test_debug_panic},
    {"debug-loop", test_debug_loop},
    {"debug-fault", test_debug_fault},
    {"palloc-exhaust", test_palloc_exhaust},
    {"malloc-stress", test_malloc_stress},
    {"pagetable", test_pagetable},
    {"block-rw", test_block_rw},
    {"fs-selftest", fs_selftest_run},
};

static const char *running_test;

const struct selftest *selftest_find(const char *name)
{
  for (size_t i = 0; i < sizeof selftests / sizeof *selftests; i++)
    if (!strcmp(selftests[i].name, name)) {
      running_test = selftests[i].name;
      return &selftests[i];
    }
  return NULL;
}

/* Prints "(TEST) MESSAGE\n" as one console write. */
void msg(const char *fmt, ...)
{
  char buf[256];
  int n = snprintf(buf, sizeof buf, "(%s) ", running_test);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf + n, sizeof buf - n, fmt, ap);
  va_end(ap);
  printf("%s\n", buf);
}

void fail(const char *fmt, ...)
{
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  printf("(%s) FAIL: %s\n", running_test, buf);
  PANIC("test %s failed", running_test);
}
