#include "threads/gdt.h"
#include "lib/string.h"

/* 64-bit TSS (Intel SDM vol. 3, 8.7): only RSP0 and IST1 are used. */
struct tss {
  uint32_t reserved0;
  uint64_t rsp[3];
  uint64_t reserved1;
  uint64_t ist[7];
  uint64_t reserved2;
  uint16_t reserved3;
  uint16_t iomap_base;
} __attribute__((packed));

static struct tss tss;
uint64_t tss_kernel_rsp;

/* Stack for double faults (IST1), so a kernel stack overflow still reaches the panic path. */
static uint8_t double_fault_stack[4096] __attribute__((aligned(16)));

/* Null, kernel code, kernel data, user data, user code, then the 16-byte TSS descriptor
   (SDM vol. 3, 3.4.5 and 8.2.3). */
static uint64_t gdt[7] = {
    0,
    0x00AF9A000000FFFFULL, /* 0x08 kernel code: L=1, DPL 0 */
    0x00CF92000000FFFFULL, /* 0x10 kernel data */
    0x00CFF2000000FFFFULL, /* 0x18 user data: DPL 3 */
    0x00AFFA000000FFFFULL, /* 0x20 user code: L=1, DPL 3 */
    0,
    0,
};

struct descriptor_pointer {
  uint16_t limit;
  uint64_t base;
} __attribute__((packed));

/* Installs the kernel's GDT and TSS, reloads every segment register. Must run before any
   user process starts and before interrupts are enabled. */
void gdt_init(void)
{
  uint64_t base = (uint64_t)&tss;
  uint64_t limit = sizeof tss - 1;
  tss.iomap_base = sizeof tss;
  tss.ist[0] = (uint64_t)(double_fault_stack + sizeof double_fault_stack);
  gdt[5] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ULL << 40) |
           (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
  gdt[6] = base >> 32;

  struct descriptor_pointer gdtr = {sizeof gdt - 1, (uint64_t)gdt};
  __asm__ volatile("lgdt %0" : : "m"(gdtr));
  __asm__ volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%ss; mov %1, %%fs; mov %1, %%gs"
                   :
                   : "r"((uint64_t)SEL_KDSEG), "r"(0ULL));
  __asm__ volatile("pushq %0; movabsq $1f, %%rax; pushq %%rax; lretq; 1:"
                   :
                   : "i"(SEL_KCSEG)
                   : "rax", "memory");
  __asm__ volatile("ltr %w0" : : "r"((uint16_t)SEL_TSS));
}

void tss_update(uint64_t rsp0)
{
  tss.rsp[0] = rsp0;
  tss_kernel_rsp = rsp0;
}
