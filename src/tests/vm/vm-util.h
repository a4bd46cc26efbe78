/* Constants and small helpers shared by the VM tests (not a program). */
#ifndef TESTS_VM_VM_UTIL_H
#define TESTS_VM_VM_UTIL_H

#include "tests/lib.h"

#define VM_USER_STACK 0x47480000UL
#define VM_STACK_MAX  (1024 * 1024) /* ABI section 3: the stack may grow to 1 MiB */

static inline uintptr_t vm_get_rsp(void)
{
  uintptr_t rsp;
  __asm__ volatile("mov %%rsp, %0" : "=r"(rsp));
  return rsp;
}

/* A byte pattern that differs per page and per offset, to catch pages mixed up. */
static inline uint8_t vm_pattern(size_t page, size_t ofs, unsigned salt)
{
  return (uint8_t)(page * 31 + ofs * 7 + salt);
}

#endif
