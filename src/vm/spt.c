/* Supplemental page table: the page records of one address space in a chained hash table
   keyed by page number. A fault looks one page up in O(1) on average; fork and exit walk
   the buckets. The table doubles when the load factor exceeds 2. Only touched pages have
   records (untouched ones are described by ranges), so its size follows pages touched.
   Builds on the host too (src/tests/host/test_spt.c). */

#include "threads/malloc.h"
#include "threads/vaddr.h"
#include "vm/page.h"
#include "vm/spt.h"

#define SPT_INITIAL_BUCKETS 32

/* Fibonacci hashing of the page number onto the power-of-two bucket array. */
static size_t spt_bucket(const struct spt *t, uint64_t va)
{
  return (size_t)(((va >> PGBITS) * 0x9E3779B97F4A7C15ULL) >> 20) & (t->bucket_cnt - 1);
}

/* Guarantees: T empty; false (T unusable) if out of memory. */
bool spt_init(struct spt *t)
{
  t->buckets = calloc(SPT_INITIAL_BUCKETS, sizeof *t->buckets);
  t->bucket_cnt = SPT_INITIAL_BUCKETS;
  t->page_cnt = 0;
  return t->buckets != NULL;
}

void spt_free(struct spt *t)
{
  free(t->buckets);
  t->buckets = NULL;
}

/* Page at page-aligned VA, or NULL. */
struct page *spt_find(const struct spt *t, uint64_t va)
{
  for (struct page *p = t->buckets[spt_bucket(t, va)]; p != NULL; p = p->hash_next)
    if (p->va == va)
      return p;
  return NULL;
}

/* Doubles the bucket array; keeps the old one if memory is short (lookups stay correct,
   just slower). */
static void spt_grow(struct spt *t)
{
  size_t old_cnt = t->bucket_cnt;
  struct page **old = t->buckets;
  struct page **nb = calloc(old_cnt * 2, sizeof *nb);
  if (nb == NULL)
    return;
  t->buckets = nb;
  t->bucket_cnt = old_cnt * 2;
  for (size_t i = 0; i < old_cnt; i++) {
    struct page *p = old[i];
    while (p != NULL) {
      struct page *next = p->hash_next;
      size_t b = spt_bucket(t, p->va);
      p->hash_next = nb[b];
      nb[b] = p;
      p = next;
    }
  }
  free(old);
}

/* Needs: T empty. Sizes T's buckets for N pages (no growth while they are inserted);
   keeps the current array if memory is short. */
void spt_reserve(struct spt *t, size_t n)
{
  size_t cnt = t->bucket_cnt;
  while (2 * cnt < n)
    cnt *= 2;
  if (cnt == t->bucket_cnt || t->page_cnt != 0)
    return;
  struct page **nb = calloc(cnt, sizeof *nb);
  if (nb == NULL)
    return;
  free(t->buckets);
  t->buckets = nb;
  t->bucket_cnt = cnt;
}

/* Needs: no page at P->va in T. */
void spt_insert(struct spt *t, struct page *p)
{
  if (t->page_cnt >= 2 * t->bucket_cnt)
    spt_grow(t);
  size_t b = spt_bucket(t, p->va);
  p->hash_next = t->buckets[b];
  t->buckets[b] = p;
  t->page_cnt++;
}

/* Needs: P in T. Unlinks it (does not free it). */
void spt_remove(struct spt *t, struct page *p)
{
  struct page **pp = &t->buckets[spt_bucket(t, p->va)];
  while (*pp != p)
    pp = &(*pp)->hash_next;
  *pp = p->hash_next;
  t->page_cnt--;
}

struct page *spt_any(const struct spt *t)
{
  if (t->page_cnt == 0)
    return NULL;
  for (size_t i = 0; i < t->bucket_cnt; i++)
    if (t->buckets[i] != NULL)
      return t->buckets[i];
  return NULL;
}

bool spt_each(const struct spt *t, bool (*fn)(struct page *, void *), void *aux)
{
  for (size_t i = 0; i < t->bucket_cnt; i++)
    for (struct page *p = t->buckets[i], *next; p != NULL; p = next) {
      next = p->hash_next;
      if (!fn(p, aux))
        return false;
    }
  return true;
}
