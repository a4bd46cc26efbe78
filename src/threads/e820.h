#ifndef THREADS_E820_H
#define THREADS_E820_H

#include <stdint.h>

/* The BIOS memory map (INT 15h, EAX=E820h) as the boot sector stored it in low memory
   (docs/design.md: a u32 count at physical 0x500, 24-byte entries from 0x508). The one
   reader of that map: the page allocator and the kernel page table both use it. */

enum e820_type {
  E820_USABLE = 1,
  E820_RESERVED = 2,
  E820_ACPI_RECLAIM = 3,
  E820_ACPI_NVS = 4,
};

struct e820_range {
  uint64_t base, length;
  uint32_t type;
};

/* Number of entries in the map (the boot sector stores at most 32). Needs: low memory
   still mapped at KERN_BASE and not yet handed to the page allocator (it never is). */
uint32_t e820_count(void);

/* Entry I of the map (I < e820_count()). */
struct e820_range e820_get(uint32_t i);

#endif
