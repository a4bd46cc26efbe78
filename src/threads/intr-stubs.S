/* Interrupt entry stubs. One stub per vector pushes a zero error code where the CPU does not
   push one (Intel SDM vol. 3, 6.3.1 table 6-1: vectors 8, 10-14, 17, 21, 29, 30 push one),
   then the vector number, and joins intr_entry, which saves the general registers in the
   layout of struct intr_frame and calls intr_handler(frame). */

        .section .text
        .globl intr_entry
intr_entry:
        pushq $0                /* es_ds slot */
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
        cld
        mov %rsp, %rdi
        sub $8, %rsp            /* 16-byte alignment at the call */
        movabs $intr_handler, %rax
        call *%rax
        add $8, %rsp
        .globl intr_exit
intr_exit:
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
