#include "threads/e820.h"
#include "threads/vaddr.h"

#define E820_COUNT_PA   0x500
#define E820_ENTRIES_PA 0x508
#define E820_MAX        32

/* Layout of one entry as the BIOS writes it (ACPI 3.0 adds the extended attributes). */
struct e820_raw {
  uint64_t base, length;
  uint32_t type, ext;
} __attribute__((packed));

uint32_t e820_count(void)
{
  uint32_t cnt = *(const uint32_t *)ptov(E820_COUNT_PA);
  return cnt < E820_MAX ? cnt : E820_MAX;
}

struct e820_range e820_get(uint32_t i)
{
  const struct e820_raw *e = (const struct e820_raw *)ptov(E820_ENTRIES_PA) + i;
  return (struct e820_range){e->base, e->length, e->type};
}
