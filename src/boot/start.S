/* Kernel entry, in 64-bit mode, from the boot sector: running at KERN_BASE + 0x10000 on the
   boot page tables, no stack. Sets the boot stack, clears .bss, calls main(). */
        .section .text.start, "ax"
        .globl _start
_start:
        movabs $boot_stack_top, %rsp
        xor %ebp, %ebp
        movabs $_bss_start, %rdi
        movabs $_bss_end, %rcx
        sub %rdi, %rcx
        shr $3, %rcx
        xor %eax, %eax
        rep stosq
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
