/* A write 64 bytes below rsp into a page that is not present is not stack growth either
   (the window is 8 bytes): the process is killed. */
#include "tests/vm/vm-util.h"

const char *test_name = "pt-grow-near";

static void __attribute__((noinline)) poke_below(void)
{
  msg("writing 64 bytes or more below rsp"); /* before choosing: msg uses stack below rsp */
  uintptr_t rsp = vm_get_rsp();
  /* The first byte 64 bytes or more below rsp that lies in a page that is not present. */
  uintptr_t target = rsp - 64;
  while (frame_of((void *)target) != 0)
    target = (target & ~(uintptr_t)4095) - 64;
  __asm__ volatile("movb $1, (%0)" : : "r"(target) : "memory");
  fail("survived a write far below rsp");
}

void test_main(void) { poke_below(); }
