#ifndef THREADS_GDT_H
#define THREADS_GDT_H

#include <stdint.h>

/* Segment selectors fixed by the ABI (ABI.md section 1); the order kernel code, kernel data,
   user data, user code is the one SYSCALL/SYSRET require (Intel SDM vol. 3, 5.8.8). */
#define SEL_KCSEG 0x08
#define SEL_KDSEG 0x10
#define SEL_UDSEG 0x1B
#define SEL_UCSEG 0x23
#define SEL_TSS   0x28

void gdt_init(void);
/* Sets the stack the CPU switches to on an interrupt from user mode (TSS.RSP0) and
   tss_kernel_rsp, the stack the system-call entry loads. */
void tss_update(uint64_t rsp0);
extern uint64_t tss_kernel_rsp;

#endif
