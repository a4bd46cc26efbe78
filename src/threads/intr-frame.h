/* Assembler macros that save and restore the general registers in the order of
   struct gp_registers (threads/interrupt.h): rax is pushed first, r15 last, so r15 sits at
   the lowest address. Shared by the interrupt entry and the system-call entry so both build
   the same struct intr_frame. Include from .S files only. */
#ifndef THREADS_INTR_FRAME_H
#define THREADS_INTR_FRAME_H

.macro INTR_FRAME_PUSH_GPRS
        pushq %rax
        pushq %rbx
        pushq %rcx
        pushq %rdx
        pushq %rbp
        pushq %rdi
        pushq %rsi
        pushq %r8
        pushq %r9
        pushq %r10
        pushq %r11
        pushq %r12
        pushq %r13
        pushq %r14
        pushq %r15
.endm

.macro INTR_FRAME_POP_GPRS
        popq %r15
        popq %r14
        popq %r13
        popq %r12
        popq %r11
        popq %r10
        popq %r9
        popq %r8
        popq %rsi
        popq %rdi
        popq %rbp
        popq %rdx
        popq %rcx
        popq %rbx
        popq %rax
.endm

#endif
