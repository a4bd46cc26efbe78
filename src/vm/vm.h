#ifndef VM_VM_H
#define VM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "filesys/file.h"

struct vm_space;

/* Initialises the frame table. Call once at boot. */
void vm_init(void);

/* Result of vm_try_handle_fault. */
enum vm_fault_result {
  VM_FAULT_HANDLED, /* the page is now present with its final rights: retry the access */
  VM_FAULT_INVALID, /* bad access: the process dies with exit(-1) */
  VM_FAULT_OOM,     /* legal access, but no frame or page-table page: the process dies */
};

/* Resolves a page fault of the current process at ADDR (architecture-neutral: the caller
   decodes the hardware error code). USER: the access came from user mode. WRITE: it was a
   write. NOT_PRESENT: no mapping (else a protection violation). Stack growth uses the
   current thread's user_rsp (set at system-call entry, or by the caller for user faults).
   Counts the fault in the global and per-process counters. */
enum vm_fault_result vm_try_handle_fault(void *addr, bool user, bool write, bool not_present);

/* Writes " frames_peak=N pages_touched=N fault_cycles=N" (note the leading space) into
   BUF (at most SIZE bytes with the NUL) for the power-off STATS line; returns the length.
   frames_peak: most user frames in use at once; pages_touched: pages that ever received a
   frame; fault_cycles: TSC cycles spent in vm_try_handle_fault. */
int vm_format_stats(char *buf, size_t size);

/* New empty address space with its own page table. NULL if out of memory. */
struct vm_space *vm_space_create(void);
/* Releases every page, frame, mapping (dirty pages written back), the executable handle
   and the page table of S. S must not be the active page table. */
void vm_space_destroy(struct vm_space *s);
/* Gives S the executable handle FILE (S closes it when destroyed). */
void vm_space_set_exec(struct vm_space *s, struct file *file);
struct file *vm_space_exec(const struct vm_space *s);
uint64_t *vm_space_pml4(const struct vm_space *s);
/* Fills the empty space DST with a copy of SRC for fork: lazy pages stay lazy (reading
   DST's own executable handle, set beforehand), resident pages are copied, mappings get
   their own file handles. False if out of memory (DST then holds a partial copy: destroy
   it). */
bool vm_space_copy(struct vm_space *dst, const struct vm_space *src);

/* Records in S that LEN bytes of the executable at FILE_OFS appear at UPAGE + PAGE_OFS
   (LEN may be 0: the page only reads as zeros), lazily. Merges with a lazy page already
   there (segments sharing a page); the page is writable if any segment in it is.
   False if out of memory or the page cannot take another range. */
bool vm_space_add_lazy(struct vm_space *s, void *upage, bool writable, size_t page_ofs, size_t len,
                       off_t file_ofs);
/* Maps a zeroed anonymous writable page at UPAGE in S right away; returns its kernel
   address (for writing the initial stack), NULL if out of memory or already mapped. */
void *vm_space_add_resident(struct vm_space *s, void *upage);

/* ABI mmap: maps LEN bytes of FILE from OFS at ADDR in S using a new handle on FILE.
   Returns ADDR, or NULL if the request is invalid or memory is short. */
void *vm_mmap(struct vm_space *s, void *addr, size_t len, bool writable, struct file *file,
              off_t ofs);
/* ABI munmap: removes the mapping starting at ADDR (dirty pages written back). */
void vm_munmap(struct vm_space *s, void *addr);

#endif
