/* The stack may grow to 1 MiB: a local array of 1 MiB minus 32 kB, touched on every page
   from the bottom up, works and keeps its contents. (use_big_stack must not be a leaf
   function: gcc would place the array partly in the red zone below rsp, and accesses
   more than 8 bytes below rsp are not stack growth.) */
#include "tests/vm/vm-util.h"

const char *test_name = "pt-grow-1mb";

#define BIG (VM_STACK_MAX - 32 * 1024)

static int __attribute__((noinline)) use_big_stack(void)
{
  volatile uint8_t big[BIG];
  for (size_t i = 0; i < BIG; i += 4096)
    big[i] = vm_pattern(i / 4096, 0, 9);
  big[BIG - 1] = 0xee;
  for (size_t i = 0; i < BIG; i += 4096)
    if (big[i] != vm_pattern(i / 4096, 0, 9))
      return 1;
  const void *addr = (const void *)big;
  __asm__ volatile("" : "+r"(addr));
  if (pages_present(addr, BIG) < BIG / 4096)
    return 2;
  return big[BIG - 1] == 0xee ? 0 : 1;
}

void test_main(void)
{
  CHECK(use_big_stack() == 0, "used a %d kB stack array", BIG / 1024);
  struct pfstat p;
  pfstat(&p);
  CHECK(p.stack >= BIG / 4096, "at least %d stack faults", BIG / 4096);
}
