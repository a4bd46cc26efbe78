#ifndef THREADS_MMU_H
#define THREADS_MMU_H

#include <stdbool.h>
#include <stdint.h>

/* 4-level x86-64 page tables (Intel SDM vol. 3, 4.5). A page table is identified by the
   kernel virtual address of its PML4 page. User mappings are 4 KiB pages; the kernel's
   mapping of physical memory at KERN_BASE is shared by every page table. */

void mmu_init(void); /* build the kernel page table, activate it */
extern uint64_t *mmu_kernel_pml4;

uint64_t *mmu_create(void);        /* new user page table, NULL if out of memory */
void mmu_destroy(uint64_t *pml4);  /* frees table pages, not the mapped frames */
void mmu_activate(uint64_t *pml4); /* NULL = kernel table */
/* Map user page UPAGE to the frame at kernel address KPAGE. False if out of memory. */
bool mmu_map_page(uint64_t *pml4, void *upage, void *kpage, bool writable);
/* The same, with the accessed bit set (the page is about to be used). */
bool mmu_map_page_used(uint64_t *pml4, void *upage, void *kpage, bool writable);
void mmu_unmap_page(uint64_t *pml4, void *upage);
/* Kernel address of the frame mapped at UADDR (plus offset), or NULL if not present. */
void *mmu_lookup_page(uint64_t *pml4, const void *uaddr);
/* Fork: SRC's entry for UPAGE made read-only, DST maps KPAGE read-only (mmu.c). */
bool mmu_share_page(uint64_t *src, uint64_t *dst, void *upage, void *kpage, bool used);
/* Drops every non-global TLB entry of PML4 if it is active (a CR3 load). */
void mmu_flush(uint64_t *pml4);
/* Write-protects every user mapping of PML4 (lazy fork); the caller flushes (mmu_flush). */
void mmu_protect_user(uint64_t *pml4);
bool mmu_is_writable(uint64_t *pml4, const void *upage);
void mmu_set_writable(uint64_t *pml4, const void *upage, bool writable);
bool mmu_is_dirty(uint64_t *pml4, const void *upage);
void mmu_set_dirty(uint64_t *pml4, const void *upage, bool dirty);
bool mmu_is_accessed(uint64_t *pml4, const void *upage);
void mmu_set_accessed(uint64_t *pml4, const void *upage, bool accessed);
/* Calls FN for every present user mapping. */
void mmu_for_each_page(uint64_t *pml4,
                       void (*fn)(void *upage, void *kpage, bool writable, void *aux), void *aux);

#endif
