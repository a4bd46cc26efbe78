/* Kestrel boot sector. The BIOS loads it at 0x7C00 in real mode with the boot drive in DL.
   It reads the command-line sector and the kernel image (LBA 1 onward) to physical 0xFE00
   with INT 13h extensions, stores the E820 memory map at 0x500, builds boot page tables at
   0x1000-0x5FFF (identity map of the first 2 MiB; physical 0-960 MiB at KERN_BASE), and
   enters 64-bit long mode directly (Intel SDM vol. 3, 10.8.5: CR4.PAE, EFER.LME, then
   CR0.PG with CR0.PE), jumping to the kernel at KERN_BASE + 0x10000. */

#define E820_COUNT 0x500
#define E820_TABLE 0x508
#define E820_MAX 32
#define LOAD_SEGMENT 0x0FE0 /* 0xFE00: LBA 1 (command line), kernel at 0x10000 */
#define CHUNK 64            /* sectors per INT 13h call */

        .code16
        .section .text
        .globl _start
_start:
        cli
        xor %ax, %ax
        mov %ax, %ds
        mov %ax, %es
        mov %ax, %ss
        mov $0x7C00, %sp
        mov %dl, boot_drive

        /* Fast A20 gate (System Control Port A, bit 1). */
        in $0x92, %al
        or $2, %al
        and $0xFE, %al
        out %al, $0x92

        /* Load kernel_sectors + 1 sectors from LBA 1. */
        mov kernel_sectors, %cx
        inc %cx
load_loop:
        mov %cx, %ax
        cmp $CHUNK, %ax
        jbe 1f
        mov $CHUNK, %ax
1:      mov %ax, dap_count
        push %cx
        push %ax
        mov $dap, %si
        mov boot_drive, %dl
        mov $0x42, %ah
        int $0x13
        jc fail
        pop %ax
        pop %cx
        sub %ax, %cx
        add %ax, dap_lba
        shl $5, %ax             /* sectors * 512 / 16 = paragraphs */
        add %ax, dap_segment
        test %cx, %cx
        jnz load_loop

        /* E820 memory map: 24-byte entries, at most E820_MAX. */
        mov $E820_TABLE, %di
        xor %ebx, %ebx
        xor %bp, %bp
e820_loop:
        mov $0xE820, %eax
        mov $24, %ecx
        mov $0x534D4150, %edx
        movl $1, 20(%di)
        int $0x15
        jc e820_done
        cmp $0x534D4150, %eax
        jne e820_done
        inc %bp
        add $24, %di
        test %ebx, %ebx
        jz e820_done
        cmp $E820_MAX, %bp
        jb e820_loop
e820_done:
        movzx %bp, %eax
        mov %eax, E820_COUNT

        /* Boot page tables: zero 0x1000-0x5FFF. */
        mov $0x1000, %di
        mov $0x2800, %cx
        xor %ax, %ax
        rep stosw
        movl $0x2003, 0x1000    /* PML4[0] -> low PDPT */
        movl $0x4003, 0x1008    /* PML4[1] -> high PDPT */
        movl $0x3003, 0x2000    /* low PDPT[0] -> low PD */
        movl $0x0083, 0x3000    /* low PD[0]: 2 MiB identity page */
        movl $0x5003, 0x4000    /* high PDPT[0] -> high PD */
        mov $0x5100, %di        /* high PD[32] maps KERN_BASE */
        mov $0x83, %eax
        mov $480, %cx
pd_loop:
        mov %eax, (%di)
        add $0x200000, %eax
        add $8, %di
        loop pd_loop

        lgdt gdt_descriptor
        mov %cr4, %eax
        or $0x20, %eax          /* PAE */
        mov %eax, %cr4
        mov $0x1000, %eax
        mov %eax, %cr3
        mov $0xC0000080, %ecx   /* IA32_EFER */
        rdmsr
        or $0x101, %eax         /* LME | SCE */
        wrmsr
        mov %cr0, %eax
        or $0x80000001, %eax    /* PG | PE */
        mov %eax, %cr0
        ljmpl $0x08, $long_mode

        .code64
long_mode:
        mov $0x10, %ax
        mov %ax, %ds
        mov %ax, %es
        mov %ax, %ss
        movabs $0x8004010000, %rax
        jmp *%rax

        .code16
fail:
        mov $0x0E45, %ax        /* 'E' via BIOS teletype */
        int $0x10
1:      hlt
        jmp 1b

        .balign 8
gdt:
        .quad 0
        .quad 0x00AF9A000000FFFF /* 0x08: 64-bit code */
        .quad 0x00CF92000000FFFF /* 0x10: data */
gdt_descriptor:
        .word gdt_descriptor - gdt - 1
        .long gdt

dap:
        .byte 0x10, 0
dap_count:
        .word 0
        .word 0                 /* offset */
dap_segment:
        .word LOAD_SEGMENT
dap_lba:
        .quad 1
boot_drive:
        .byte 0

        .org 0x1B0
kernel_sectors:
        .word 0
