/* System-call entry and user-mode entry (Intel SDM vol. 2, SYSCALL/SYSRET; vol. 3, 5.8.8).

   SYSCALL leaves rsp on the user stack, rip in rcx and rflags in r11, and clears the
   RFLAGS bits set in SFMASK (IF among them), so nothing can interrupt us before we are on
   the kernel stack. Kestrel is single-CPU and keeps no per-CPU data in GS, so the user rsp
   is parked in one global and the kernel stack top comes from tss_kernel_rsp (set by the
   scheduler on every switch); no swapgs is needed. The frame built has the layout of
   struct intr_frame so C code (fork, exec) can read and rewrite the user registers. */

#include "threads/intr-frame.inc"

#define USER_CS 0x23
#define USER_SS 0x1B

	.cfi_sections .debug_frame
	.text
	.globl syscall_entry
syscall_entry:
	.cfi_startproc simple
	.cfi_signal_frame
	.cfi_undefined rip
	movq %rsp, syscall_user_rsp(%rip)
	movq tss_kernel_rsp(%rip), %rsp
	pushq $USER_SS
	pushq syscall_user_rsp(%rip)
	pushq %r11              /* rflags */
	pushq $USER_CS
	pushq %rcx              /* rip */
	pushq $0                /* error_code */
	pushq $0                /* vec_no */
	pushq $0                /* es_ds */
	INTR_FRAME_PUSH_GPRS
	movq %rsp, %rdi
	subq $8, %rsp           /* 23 quadwords pushed: realign to 16 for the call */
	INTR_FRAME_CFI_AT_CALL
	xorl %ebp, %ebp
	call syscall_handler
	addq $8, %rsp
	.cfi_undefined rip
	/* Back to user mode with SYSRET: rip from the frame into rcx, rflags into r11.
	   Interrupts stay off from here until SYSRET reloads rflags, because for a few
	   instructions rsp is the user stack while we still run in ring 0. Every rip here is
	   a user address below KERN_BASE, hence canonical (SYSRET would fault in ring 0 on a
	   non-canonical rcx). */
	cli
	INTR_FRAME_POP_GPRS
	addq $24, %rsp          /* es_ds, vec_no, error_code */
	popq %rcx               /* rip */
	addq $8, %rsp           /* cs */
	popq %r11               /* rflags */
	popq %rsp               /* user rsp */
	sysretq
	.cfi_endproc

/* void syscall_enter_user(const struct intr_frame *f): loads every register from F and
   enters ring 3 with IRETQ (F holds rip, cs 0x23, rflags, rsp, ss 0x1B). Never returns.
   F may live on the current kernel stack: it is consumed before anything else is pushed,
   with interrupts off. */
	.globl syscall_enter_user
syscall_enter_user:
	cli
	movq %rdi, %rsp
	jmp intr_exit

	.bss
	.align 8
syscall_user_rsp:
	.quad 0
	.section .note.GNU-stack,"",@progbits
