/* A 64 kB local array (a single large rsp decrement) is written from its lowest address
   upward: every access is above rsp, so all of it is valid stack growth. One stack fault
   per new page, and the data reads back. */
#include "tests/vm/vm-util.h"

const char *test_name = "pt-grow-array";

#define ARRAY_SIZE (64 * 1024)

static size_t grown;

/* Fills a local array bottom-up, then verifies it; returns 0 on success. */
static int __attribute__((noinline)) fill_local(void *aux)
{
  volatile uint8_t big[ARRAY_SIZE];
  size_t n = aux ? ARRAY_SIZE : 16;
  const void *addr = (const void *)big;
  __asm__ volatile("" : "+r"(addr)); /* only the address is used, not the contents */
  size_t before = pages_present(addr, n);
  for (size_t i = 0; i < n; i++)
    big[i] = vm_pattern(i / 4096, i % 4096, 5);
  grown = pages_present(addr, n) - before;
  for (size_t i = 0; i < n; i++)
    if (big[i] != vm_pattern(i / 4096, i % 4096, 5))
      return 1;
  return 0;
}

static int fill_result;

static void run_fill(void *aux) { fill_result = fill_local(aux); }

void test_main(void)
{
  struct pfstat d;
  pf_delta(run_fill, NULL, &d); /* warm-up: touches only the array's lowest 16 bytes */
  pf_delta(run_fill, (void *)1, &d);
  CHECK(fill_result == 0, "64 kB local array reads back");
  CHECK(grown >= 14, "at least 14 new stack pages");
  CHECK(d.stack == (long)grown, "one stack fault per new page");
  CHECK(d.total == d.stack, "no other faults");
}
