#ifndef VM_SWAP_H
#define VM_SWAP_H

/* PRIVATE to src/vm. The swap disk (swap.c): page-sized slots with reference counts,
   the free slot nearest to the disk head first, and the swap cache (a frame that still holds a slot's
   contents). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SWAP_NONE UINT32_MAX

struct frame;

void swap_init(void);
uint32_t swap_alloc(void); /* refs 1, SWAP_NONE if no disk or full */
void swap_ref(uint32_t slot);
void swap_unref(uint32_t slot);
bool swap_shared(uint32_t slot); /* more than one reference */
void swap_write(uint32_t slot, const void *kva);
void swap_read(uint32_t slot, void *kva);
size_t swap_used(void);
extern const size_t *const swap_used_cnt; /* swap_used() without a call (the VM trace) */
bool swap_full(void); /* no free slot (or no swap disk): swap_alloc would fail */
size_t swap_peak(void);
extern uint64_t swap_write_cycles, swap_read_cycles;
struct frame *swap_cache_find(uint32_t slot);
void swap_cache_add(uint32_t slot, struct frame *);
void swap_cache_remove(uint32_t slot, struct frame *);

#endif
