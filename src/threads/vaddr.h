#ifndef THREADS_VADDR_H
#define THREADS_VADDR_H

#include <stdbool.h>
#include <stdint.h>

/* Address-space constants fixed by the user ABI (ABI.md section 3). */
#define KERN_BASE        0x8004000000ULL
#define USER_STACK       0x47480000ULL
#define USER_STACK_LIMIT (1024 * 1024) /* stack may grow to 1 MiB */
#define PGBITS           12
#define PGSIZE           (1ULL << PGBITS)
#define PGMASK           (PGSIZE - 1)

/* Physical address of the kernel image (loaded by the boot sector). */
#define KERNEL_PHYS_BASE 0x10000ULL

static inline uint64_t pg_ofs(const void *va) { return (uint64_t)va & PGMASK; }
static inline uint64_t pg_no(const void *va) { return (uint64_t)va >> PGBITS; }
static inline void *pg_round_down(const void *va) { return (void *)((uint64_t)va & ~PGMASK); }
static inline void *pg_round_up(const void *va)
{
  return (void *)(((uint64_t)va + PGMASK) & ~PGMASK);
}

/* True if VA lies in user space (below KERN_BASE). NULL counts as a user address;
   callers reject page 0 separately. */
static inline bool is_user_vaddr(const void *va) { return (uint64_t)va < KERN_BASE; }
static inline bool is_kernel_vaddr(const void *va) { return (uint64_t)va >= KERN_BASE; }

/* Physical <-> kernel virtual: all RAM is mapped at KERN_BASE. */
static inline void *ptov(uint64_t pa) { return (void *)(pa + KERN_BASE); }
static inline uint64_t vtop(const void *va) { return (uint64_t)va - KERN_BASE; }

#endif
