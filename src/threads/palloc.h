#ifndef THREADS_PALLOC_H
#define THREADS_PALLOC_H

#include <stddef.h>
#include <stdint.h>

enum palloc_flags {
  PAL_ASSERT = 001, /* panic on failure */
  PAL_ZERO = 002,   /* zero the page contents */
  PAL_USER = 004,   /* take from the user pool */
};

/* Pools are carved from the E820 usable ranges above the kernel image. USER_PAGE_LIMIT caps
   the user pool (SIZE_MAX = half of free memory). */
void palloc_init(size_t user_page_limit);
void *palloc_get_page(enum palloc_flags);
void *palloc_get_multiple(enum palloc_flags, size_t page_cnt);
void palloc_free_page(void *);
void palloc_free_multiple(void *, size_t page_cnt);

struct palloc_usage {
  size_t kernel_used, kernel_total, user_used, user_total;
};
void palloc_get_usage(struct palloc_usage *);
/* Physical base and page count of the user pool's span (frame-table indexing). */
void palloc_user_span(uint64_t *base_pa, size_t *span);
/* Total RAM in bytes seen in the E820 map (for the banner). */
extern uint64_t palloc_ram_bytes;

#endif
