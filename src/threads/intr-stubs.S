/* Interrupt entry stubs. One stub per vector pushes a zero error code where the CPU does not
   push one (Intel SDM vol. 3, 6.3.1 table 6-1: vectors 8, 10-14, 17, 21, 29, 30 push one),
   then the vector number, and joins intr_entry, which saves the general registers in the
   layout of struct intr_frame and calls intr_handler(frame). */

#include "threads/intr-frame.inc"

        .cfi_sections .debug_frame
        .section .text
        .globl intr_entry
intr_entry:
        .cfi_startproc simple
        .cfi_signal_frame
        .cfi_undefined rip
        pushq $0                /* es_ds slot */
        INTR_FRAME_PUSH_GPRS
        cld
        mov %rsp, %rdi
        sub $8, %rsp            /* 16-byte alignment at the call */
        INTR_FRAME_CFI_AT_CALL
        movabs $intr_handler, %rax
        call *%rax
        add $8, %rsp
        .cfi_undefined rip
        .cfi_endproc
        .globl intr_exit
intr_exit:
        INTR_FRAME_POP_GPRS
        add $24, %rsp           /* es_ds, vec_no, error_code */
        iretq

.macro STUB vec
        .balign 16
intr_stub_\vec:
.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
.else
        pushq $0
.endif
        pushq $\vec
        jmp intr_entry
.endm

        .balign 16
        .globl intr_stubs_start
intr_stubs_start:
.altmacro
.set i, 0
.rept 256
        STUB %i
.set i, i + 1
.endr

        .section .rodata
        .balign 8
        .globl intr_stubs
intr_stubs:
.macro STUBADDR vec
        .quad intr_stub_\vec
.endm
.set i, 0
.rept 256
        STUBADDR %i
.set i, i + 1
.endr
