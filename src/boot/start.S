/* Kernel entry, in 64-bit mode, from the boot sector: running at KERN_BASE + 0x10000 on the
   boot page tables, no stack. Sets the boot stack, clears .bss, calls main(). */
        .section .text.start, "ax"
        .globl _start
_start:
        rdtsc
        mov %eax, %r12d
        mov %edx, %r13d
        movabs $boot_stack_top, %rsp
        xor %ebp, %ebp
        movabs $_bss_start, %rdi
        movabs $_bss_end, %rcx
        sub %rdi, %rcx
        shr $3, %rcx
        xor %eax, %eax
        rep stosq
        shl $32, %r13
        or %r13, %r12
        movabs $kernel_entry_tsc, %rax
        mov %r12, (%rax)
        movabs $main, %rax
        call *%rax
1:      cli
        hlt
        jmp 1b

        .section .bss
        .balign 4096
        .globl boot_stack
boot_stack:
        .skip 16384
        .globl boot_stack_top
boot_stack_top:

        .section .data
        .balign 8
        .globl kernel_entry_tsc
kernel_entry_tsc:
        .quad 0
