/* Addresses used by the bad-pointer tests (not a program). */
#ifndef TESTS_USERPROG_BAD_PTRS_H
#define TESTS_USERPROG_BAD_PTRS_H

/* In the kernel half (ABI section 3: at or above KERN_BASE = 0x8004000000); it is mapped
   for the kernel, so only an explicit check keeps the user from it. */
#define BAD_KERNEL_PTR ((void *)0x8004010000ULL)
/* In user space but never mapped: far from the program (0x400000) and the stack. */
#define BAD_UNMAPPED_PTR ((void *)0x20000000ULL)
/* The top of the initial stack: nothing is mapped at or above it. */
#define STACK_TOP ((char *)0x47480000ULL)

#endif
