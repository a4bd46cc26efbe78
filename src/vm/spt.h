#ifndef VM_SPT_H
#define VM_SPT_H

/* PRIVATE to src/vm. The supplemental page table: a space's page records (struct page,
   page.h) in a chained hash on the page number (spt.c). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct page;

struct spt {
  struct page **buckets;
  size_t bucket_cnt; /* power of two */
  size_t page_cnt;
};
bool spt_init(struct spt *);
void spt_free(struct spt *); /* the bucket array only */
struct page *spt_find(const struct spt *, uint64_t va);
void spt_insert(struct spt *, struct page *);
void spt_reserve(struct spt *, size_t n); /* empty table: buckets for N pages */
void spt_remove(struct spt *, struct page *);
/* Any page of the table, or NULL if empty (for tear-down loops). */
struct page *spt_any(const struct spt *);
/* Calls FN on every page; FN may remove (and free) the page it is given, nothing else.
   Stops early, returning false, if FN returns false. */
bool spt_each(const struct spt *, bool (*fn)(struct page *, void *), void *aux);

#endif
