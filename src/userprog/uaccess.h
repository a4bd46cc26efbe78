#ifndef USERPROG_UACCESS_H
#define USERPROG_UACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Copies between kernel memory and the current process's user memory. The user range
   is checked against KERN_BASE up front; everything else (unmapped, lazy, read-only
   pages) is left to the MMU: the copy touches user memory directly, faults are resolved
   by the VM as usual, and a fault the VM rejects makes the copy stop and return false
   instead of panicking (see exception.c). So no byte or page is walked twice. On false
   the caller must release what it holds and kill the process with exit(-1). */

/* Copies N bytes from user USRC to kernel KDST. */
bool uaccess_copy_in(void *kdst, const void *usrc, size_t n);
/* Copies N bytes from kernel KSRC to user UDST. */
bool uaccess_copy_out(void *udst, const void *ksrc, size_t n);
/* True if every byte of [UDST, UDST+N) could be written by the process: each page the
   range touches gets one byte read and written back unchanged (faulting lazy pages in).
   False on an unmapped, read-only or kernel address. */
bool uaccess_check_writable(void *udst, size_t n);
/* Copies the NUL-terminated user string USTR into KDST (SIZE bytes). Returns its length,
   SIZE if it does not fit (KDST then holds SIZE bytes, no NUL), or -1 on a bad address
   (including a string running off mapped memory). Reads page by page, never past the page
   holding the NUL. */
int64_t uaccess_copy_string(char *kdst, const char *ustr, size_t size);

/* Low-level copy with fault recovery (uaccess.S): 0 on success, 1 if a fault the VM
   could not resolve hit it. Only for user addresses already checked against KERN_BASE. */
int uaccess_raw_copy(void *dst, const void *src, size_t n);
/* Bounds of the code that may fault on user memory, and its recovery entry. */
extern const char uaccess_text_start[], uaccess_text_end[], uaccess_fixup[];

#endif
