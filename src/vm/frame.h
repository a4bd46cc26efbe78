#ifndef VM_FRAME_H
#define VM_FRAME_H

#include <stddef.h>
#include "lib/kernel/list.h"

struct page;

/* A user-pool frame holding one resident page. Every frame knows its page, and through
   it the owning address space (page->space), which eviction needs to unmap it. */
struct frame {
  void *kva; /* kernel address of the frame */
  struct page *page;
  struct list_elem elem; /* frame table list, in allocation order */
};

void frame_table_init(void);
/* Takes a frame from the user pool for PAGE. NULL if none is free (no eviction yet). The
   contents are undefined. */
struct frame *frame_alloc(struct page *page);
/* Returns F's memory to the user pool and forgets F. F must be unmapped by the caller. */
void frame_free(struct frame *f);
/* Largest number of user frames in use at once since boot. */
size_t frame_peak(void);

#endif
