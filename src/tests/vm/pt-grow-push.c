/* The stack grows by push instructions: 3 pages of pushes below the current stack, each
   push writing 8 bytes below rsp. Every page grown costs exactly one stack fault and no
   other fault, and the pushed values pop back intact. */
#include "tests/vm/vm-util.h"

const char *test_name = "pt-grow-push";

#define PUSHES (3 * 4096 / 8)

/* Pushes COUNT words (COUNT, COUNT-1, ..., 1), pops them back and returns their sum. */
static long __attribute__((noinline)) push_and_pop(long count)
{
  long sum;
  __asm__ volatile("mov %%rsp, %%r12\n\t"
                   "mov %1, %%rcx\n"
                   "1:\tpush %%rcx\n\t"
                   "loop 1b\n\t"
                   "xor %0, %0\n\t"
                   "mov %1, %%rcx\n"
                   "2:\tpop %%rdx\n\t"
                   "add %%rdx, %0\n\t"
                   "loop 2b\n\t"
                   "mov %%r12, %%rsp"
                   : "=&r"(sum)
                   : "r"(count)
                   : "rcx", "rdx", "r12", "memory", "cc");
  return sum;
}

static long push_count, push_sum;

static void run_pushes(void *aux)
{
  (void)aux;
  push_sum = push_and_pop(push_count);
}

void test_main(void)
{
  struct pfstat d;
  push_count = 1;
  pf_delta(run_pushes, NULL, &d); /* warm-up: one push, in an already present page */
  uintptr_t rsp = vm_get_rsp();
  push_count = PUSHES;
  /* Pages grown are measured with int $0x42 rather than assumed: deeper calls made
     earlier may already have touched some of them. */
  size_t before = pages_present((void *)(rsp - 5 * 4096), 5 * 4096);
  pf_delta(run_pushes, NULL, &d);
  size_t after = pages_present((void *)(rsp - 5 * 4096), 5 * 4096);
  CHECK(push_sum == (long)PUSHES * (PUSHES + 1) / 2, "%d pushed values popped back intact", PUSHES);
  CHECK(after >= before + 2, "the stack grew by at least 2 pages");
  CHECK(d.stack == (long)(after - before), "one stack fault per page grown");
  CHECK(d.total == d.stack, "no other faults");
}
