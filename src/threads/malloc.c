#include "threads/malloc.h"
#include <stdbool.h>
#include <stdint.h>
#include "lib/debug.h"
#include "lib/kernel/list.h"
#include "lib/string.h"
#include "threads/failinject.h"
#include "threads/interrupt.h"
#include "threads/palloc.h"
#include "threads/vaddr.h"

/* Small requests (up to MALLOC_MAX_SMALL bytes) are rounded up to a power-of-two size class
   and carved from one-page arenas: an arena header at the start of the page, then blocks of
   the class size packed against the end of the page (so every block is aligned to its
   size). Each class keeps a list of its arenas that have a free block; an arena hands out
   blocks from its free list, then from never-used space at the bump offset. An arena whose
   blocks are all free goes straight back to palloc, so an idle kernel holds no malloc
   pages. Larger requests get whole pages with the header in front.
   Every operation is O(1) apart from the palloc call and a rare double-free check.
   Interrupts are disabled around the shared lists (short critical sections; callable
   before threads exist, never from an interrupt handler). */

#define MALLOC_MAGIC     0x4b41524eu /* live arena */
#define MALLOC_FREE_MARK 0xfeedf00dcafebeefULL
#define MALLOC_MIN_SHIFT 4 /* 16 bytes */
#define MALLOC_CLASS_CNT 7 /* 16 .. 1024 */
#define MALLOC_MAX_SMALL (1u << (MALLOC_MIN_SHIFT + MALLOC_CLASS_CNT - 1))
#define MALLOC_BIG       UINT32_MAX

struct arena {
  uint32_t magic;
  uint32_t class_idx; /* size class, or MALLOC_BIG */
  size_t page_cnt;    /* MALLOC_BIG: pages in the allocation */
  size_t free_cnt;    /* small: free blocks (free list + never used) */
  size_t bump;        /* small: offset of the first never-used block, PGSIZE if none */
  struct free_block *free_list;
  struct list_elem elem; /* small: in its class's list while free_cnt > 0 */
};

/* Header size rounded to 16 so big allocations are 16-byte aligned. */
#define ARENA_HDR ((sizeof(struct arena) + 15) & ~(size_t)15)

struct free_block {
  struct free_block *next;
  uint64_t mark; /* MALLOC_FREE_MARK while on a free list */
};

struct size_class {
  size_t block_size;
  size_t block_cnt;   /* blocks per arena */
  size_t first;       /* offset of the first block in the page */
  struct list arenas; /* arenas with at least one free block */
};

static struct size_class classes[MALLOC_CLASS_CNT];

void malloc_init(void)
{
  unsigned i;
  for (i = 0; i < MALLOC_CLASS_CNT; i++) {
    struct size_class *c = &classes[i];
    c->block_size = (size_t)1 << (MALLOC_MIN_SHIFT + i);
    c->block_cnt = (PGSIZE - ARENA_HDR) / c->block_size;
    c->first = PGSIZE - c->block_cnt * c->block_size;
    list_init(&c->arenas);
  }
}

/* Index of the smallest class holding SIZE bytes (1 <= SIZE <= MALLOC_MAX_SMALL). */
static unsigned malloc_class_of(size_t size)
{
  unsigned idx = 0;
  size_t cap = (size_t)1 << MALLOC_MIN_SHIFT;
  while (cap < size) {
    cap <<= 1;
    idx++;
  }
  return idx;
}

/* Takes one block from class C, allocating a fresh arena if none has room. Interrupts must
   be off. NULL if the kernel pool is exhausted. */
static void *malloc_small(struct size_class *c, unsigned idx)
{
  struct arena *a;
  void *block;

  if (list_empty(&c->arenas)) {
    a = palloc_get_page(0);
    if (a == NULL)
      return NULL;
    a->magic = MALLOC_MAGIC;
    a->class_idx = idx;
    a->page_cnt = 1;
    a->free_cnt = c->block_cnt;
    a->bump = c->first;
    a->free_list = NULL;
    list_push_front(&c->arenas, &a->elem);
  }
  a = list_entry(list_front(&c->arenas), struct arena, elem);
  if (a->free_list != NULL) {
    struct free_block *b = a->free_list;
    a->free_list = b->next;
    b->mark = 0;
    block = b;
  } else {
    ASSERT(a->bump < PGSIZE);
    block = (char *)a + a->bump;
    a->bump += c->block_size;
  }
  if (--a->free_cnt == 0)
    list_remove(&a->elem);
  return block;
}

/* At least SIZE bytes, 16-byte aligned (blocks of a class are aligned to the class size);
   NULL if SIZE is 0 or memory is exhausted. */
void *malloc(size_t size)
{
  enum intr_level old;
  void *p;

  if (size == 0 || failinject_should_fail(FAILINJECT_MALLOC))
    return NULL;
  if (size <= MALLOC_MAX_SMALL) {
    unsigned idx = malloc_class_of(size);
    old = intr_disable();
    p = malloc_small(&classes[idx], idx);
    intr_set_level(old);
    return p;
  } else {
    size_t page_cnt;
    struct arena *a;
    if (size > SIZE_MAX - ARENA_HDR - PGMASK)
      return NULL;
    page_cnt = (size + ARENA_HDR + PGMASK) / PGSIZE;
    a = palloc_get_multiple(0, page_cnt);
    if (a == NULL)
      return NULL;
    a->magic = MALLOC_MAGIC;
    a->class_idx = MALLOC_BIG;
    a->page_cnt = page_cnt;
    return (char *)a + ARENA_HDR;
  }
}

/* Zeroed array of N elements of SIZE bytes; NULL on overflow or exhaustion. */
void *calloc(size_t n, size_t size)
{
  void *p;
  if (size != 0 && n > SIZE_MAX / size)
    return NULL;
  p = malloc(n * size);
  if (p != NULL)
    memset(p, 0, n * size);
  return p;
}

/* Arena of live block P, validating it. */
static struct arena *malloc_arena_of(void *p)
{
  struct arena *a = pg_round_down(p);
  size_t ofs = (char *)p - (char *)a;

  ASSERT(a->magic == MALLOC_MAGIC);
  if (a->class_idx == MALLOC_BIG) {
    ASSERT(ofs == ARENA_HDR);
  } else {
    const struct size_class *c;
    ASSERT(a->class_idx < MALLOC_CLASS_CNT);
    c = &classes[a->class_idx];
    ASSERT(ofs >= c->first && ofs < a->bump && ofs % c->block_size == 0);
  }
  return a;
}

/* Usable bytes of live block P. */
static size_t malloc_block_size(void *p)
{
  struct arena *a = malloc_arena_of(p);
  if (a->class_idx == MALLOC_BIG)
    return a->page_cnt * PGSIZE - ARENA_HDR;
  return classes[a->class_idx].block_size;
}

/* True if block B is on arena A's free list (used to confirm a suspected double free). */
static bool malloc_on_free_list(const struct arena *a, const struct free_block *b)
{
  const struct free_block *f;
  for (f = a->free_list; f != NULL; f = f->next)
    if (f == b)
      return true;
  return false;
}

/* Releases block P from malloc/calloc/realloc. NULL is ignored; a double free panics. */
void free(void *p)
{
  struct arena *a;
  struct size_class *c;
  struct free_block *b = p;
  enum intr_level old;

  if (p == NULL)
    return;
  a = malloc_arena_of(p);
  if (a->class_idx == MALLOC_BIG) {
    a->magic = 0;
    palloc_free_multiple(a, a->page_cnt);
    return;
  }
  c = &classes[a->class_idx];
  old = intr_disable();
  if (b->mark == MALLOC_FREE_MARK && malloc_on_free_list(a, b))
    PANIC("free: double free of %p", p);
  b->mark = MALLOC_FREE_MARK;
  b->next = a->free_list;
  a->free_list = b;
  if (a->free_cnt++ == 0)
    list_push_front(&c->arenas, &a->elem);
  if (a->free_cnt == c->block_cnt) {
    list_remove(&a->elem);
    a->magic = 0;
    palloc_free_page(a);
  }
  intr_set_level(old);
}

/* Resizes P to SIZE bytes, keeping the common prefix. realloc(NULL, n) = malloc(n);
   realloc(p, 0) frees P and returns NULL. On failure P is untouched and NULL returned. */
void *realloc(void *p, size_t size)
{
  size_t old_size;
  void *q;

  if (p == NULL)
    return malloc(size);
  if (size == 0) {
    free(p);
    return NULL;
  }
  old_size = malloc_block_size(p);
  if (old_size <= MALLOC_MAX_SMALL) {
    if (size <= MALLOC_MAX_SMALL && malloc_class_of(size) == malloc_class_of(old_size))
      return p;
  } else if (size > MALLOC_MAX_SMALL && size <= old_size && old_size - size < PGSIZE) {
    return p;
  }
  q = malloc(size);
  if (q == NULL)
    return NULL;
  memcpy(q, p, old_size < size ? old_size : size);
  free(p);
  return q;
}
