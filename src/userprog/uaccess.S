/* int uaccess_raw_copy(void *dst, const void *src, size_t n)
   Copies 8 bytes at a time then the tail. A page fault inside [uaccess_text_start,
   uaccess_text_end) that the VM cannot resolve resumes at uaccess_fixup (exception.c),
   which returns 1. The routine pushes nothing, so `ret` there returns to our caller.
   DF is clear: the system-call entry masks it (SFMASK) and the kernel never sets it. */
	.text
	.globl uaccess_raw_copy, uaccess_text_start, uaccess_text_end, uaccess_fixup
uaccess_text_start:
uaccess_raw_copy:
	mov %rdx, %rcx
	shr $3, %rcx
	rep movsq
	mov %rdx, %rcx
	and $7, %rcx
	rep movsb
	xor %eax, %eax
	ret
uaccess_fixup:
	mov $1, %eax
	ret
uaccess_text_end:
	.section .note.GNU-stack,"",@progbits
