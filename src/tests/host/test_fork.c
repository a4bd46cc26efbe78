/* Host unit test of lazy fork (vm/fork.c, vm/inherit.c) through the real fault path
   (vm/fault.c, vm/page.c), spaces (vm/space.c), frame table, page types and swap (vm/swap.c
   on an in-memory disk), on the real palloc and page tables over fake RAM: after a lazy
   fork the child has no page record and the parent's user PTEs are read-only; a child read
   takes the parent's frame and its resident neighbours of the 16-page block in one
   VM_PF_INHERIT fault, a child write takes a copy; pages made after the fork (also between
   two forks) and ranges the child made itself are not inherited; a parent write pushes the
   old contents to the heirs first, once; the parent's exit hands every owed page to the
   child; an heir that forks is settled first; a take that runs out of memory (heap or page
   table) leaves the page owed, a push that does makes the heir lost (its faults on pages
   without a record fail, it cannot be copied); a pending page keeps its swap slot and the
   push hands the heir that slot; the origin's structure is freed when its last reference
   goes; nothing leaks (frames, page tables, heap blocks, file handles, swap slots, locks).
   VM_FORK_SHARE is checked for comparison.
   Build: gcc -Isrc -DHOST_TEST -O1 -g src/tests/host/test_fork.c -o test_fork */
#define off_t libc_off_t
#include "tests/host/kernel_env.h"
#undef off_t
#include "threads/bitmap.c"
#include "lib/kernel/list.c"
#include "threads/e820.c"
#include "threads/palloc.c"
#include "threads/mmu.c"
/* The VM's heap calls go through counting wrappers that can be made to fail. */
void *t_malloc(size_t);
void *t_calloc(size_t, size_t);
void *t_realloc(void *, size_t);
void t_free(void *);
#define malloc  t_malloc
#define calloc  t_calloc
#define realloc t_realloc
#define free    t_free
#include "vm/spt.c"
#include "vm/range.c"
#include "vm/space.c"
#include "vm/fork.c"
#include "vm/inherit.c"
#include "vm/fault.c"
#include "vm/page.c"
#include "vm/frame.c"
#include "vm/frame_wait.c"
#include "vm/evict.c"
#include "vm/policy.c"
#include "vm/policy_hotcold.c"
#include "vm/policy_2q.c"
#include "vm/policy_lirs.c"
#include "vm/anon.c"
#include "vm/exec.c"
#include "vm/file.c"
#include "vm/swap.c"
#undef malloc
#undef calloc
#undef realloc
#undef free

/* Heap: live block count, a countdown to an injected failure, the last blocks freed. */
static long heap_live;
static int heap_fail_in; /* 0: never; N: the Nth call from now fails */
static void *heap_freed[64];
static unsigned heap_freed_n;

static bool heap_should_fail(void) { return heap_fail_in > 0 && --heap_fail_in == 0; }
void *t_malloc(size_t n)
{
  void *p = heap_should_fail() ? NULL : malloc(n);
  heap_live += p != NULL;
  return p;
}
void *t_calloc(size_t n, size_t size)
{
  void *p = heap_should_fail() ? NULL : calloc(n, size);
  heap_live += p != NULL;
  return p;
}
void *t_realloc(void *old, size_t n)
{
  void *p = heap_should_fail() ? NULL : realloc(old, n);
  heap_live += old == NULL && p != NULL;
  return p;
}
void t_free(void *p)
{
  if (p == NULL)
    return;
  heap_live--;
  heap_freed[heap_freed_n++ % 64] = p;
  free(p);
}
static bool heap_was_freed(const void *p)
{
  for (unsigned i = 0; i < 64 && i < heap_freed_n; i++)
    if (heap_freed[i] == p)
      return true;
  return false;
}

/* One thread; a lock taken twice or released unheld is a lock-order error. */
static struct thread host_thread;
static int lock_errors, locks_held;
struct thread *thread_current(void) { return &host_thread; }
void timer_sleep(int64_t ticks) { (void)ticks; }
void thread_yield(void) {}
void lock_init(struct lock *l) { l->holder = NULL; }
void lock_acquire(struct lock *l)
{
  lock_errors += l->holder != NULL;
  l->holder = &host_thread;
  locks_held++;
}
bool lock_try_acquire(struct lock *l)
{
  if (l->holder != NULL)
    return false;
  lock_acquire(l);
  return true;
}
void lock_release(struct lock *l)
{
  lock_errors += l->holder != &host_thread;
  l->holder = NULL;
  locks_held--;
}
bool lock_held_by_current_thread(const struct lock *l) { return l->holder == &host_thread; }

/* The swap disk: 64 slots in memory (swap.c on top of it). */
static uint8_t swap_bytes[64 * PGSIZE];
struct block *block_get_role(enum block_role role)
{
  return role == BLOCK_SWAP ? (struct block *)swap_bytes : NULL;
}
block_sector_t block_size(struct block *b) { return sizeof swap_bytes / BLOCK_SECTOR_SIZE; }
void block_read(struct block *b, block_sector_t sec, void *buf)
{
  memcpy(buf, swap_bytes + sec * BLOCK_SECTOR_SIZE, BLOCK_SECTOR_SIZE);
}
void block_write(struct block *b, block_sector_t sec, const void *buf)
{
  memcpy(swap_bytes + sec * BLOCK_SECTOR_SIZE, buf, BLOCK_SECTOR_SIZE);
}
void block_read_sectors(struct block *b, block_sector_t sec, unsigned count, void *buf)
{
  ASSERT(count >= 1 && count <= BLOCK_MAX_SECTORS);
  memcpy(buf, swap_bytes + sec * BLOCK_SECTOR_SIZE, count * BLOCK_SECTOR_SIZE);
}
void block_write_sectors(struct block *b, block_sector_t sec, unsigned count, const void *buf)
{
  ASSERT(count >= 1 && count <= BLOCK_MAX_SECTORS);
  memcpy(swap_bytes + sec * BLOCK_SECTOR_SIZE, buf, count * BLOCK_SECTOR_SIZE);
}

static uint64_t counted[VM_STAT_CNT];
uint64_t vm_fault_cycles;
void vm_count(struct vm_counters *proc, enum vm_stat k) { counted[k]++; }

/* Files: handles onto fixed contents; open handles are counted. */
struct file {
  const uint8_t *data;
  off_t len;
};
static long files_open;
struct file *file_reopen(struct file *f)
{
  struct file *n = malloc(sizeof *n);
  *n = *f;
  files_open++;
  return n;
}
void file_close(struct file *f)
{
  if (f == NULL)
    return;
  files_open--;
  free(f);
}
off_t file_length(struct file *f) { return f->len; }
off_t file_read_at(struct file *f, void *buf, off_t size, off_t ofs)
{
  off_t n = ofs >= f->len ? 0 : size < f->len - ofs ? size : f->len - ofs;
  memcpy(buf, f->data + ofs, (size_t)n);
  return n;
}
off_t file_write_at(struct file *f, const void *buf, off_t size, off_t ofs)
{
  CHECK(!"a mapping of this test was written back");
  return 0;
}

#define BSS   0x10000000ULL /* 64-page writable zero-fill segment */
#define MAP1  0x20000000ULL /* mapping the child replaces */
#define MAP2  0x20100000ULL /* mapping the child inherits */
#define PG(i) (BSS + (uint64_t)(i)*PGSIZE)

static uint8_t file_a[PGSIZE], file_b[PGSIZE];
static struct file fa = {file_a, PGSIZE}, fb = {file_b, PGSIZE};

static enum vm_fault_result fault(struct vm_space *s, uint64_t va, bool write)
{
  struct vm_fault f = {.addr = va + 8,
                       .rsp = va,
                       .write = write,
                       .not_present = mmu_lookup_page(s->pml4, (void *)va) == NULL,
                       .user = true};
  enum vm_fault_result r = vm_fault_resolve(s, &f, NULL);
  /* The access retried after a resolved fault sets the accessed bit (SDM vol. 3, 4.8). */
  if (r == VM_FAULT_HANDLED && mmu_lookup_page(s->pml4, (void *)va) != NULL)
    mmu_set_accessed(s->pml4, (void *)va, true);
  return r;
}
static uint8_t *kva(struct vm_space *s, uint64_t va)
{
  return mmu_lookup_page(s->pml4, (void *)va);
}
static struct page *rec(struct vm_space *s, uint64_t va) { return spt_find(&s->spt, va); }
static bool writable(struct vm_space *s, uint64_t va)
{
  return mmu_is_writable(s->pml4, (void *)va);
}

/* True if every byte of the page at KVA is B. */
static bool all(const uint8_t *k, uint8_t b)
{
  for (size_t i = 0; k != NULL && i < PGSIZE; i++)
    if (k[i] != b)
      return false;
  return k != NULL;
}

/* Writes page I of S's segment (first touch), then fills it with the byte I + 1. */
static void put(struct vm_space *s, int i)
{
  CHECK(fault(s, PG(i), true) == VM_FAULT_HANDLED);
  CHECK(kva(s, PG(i)) != NULL && writable(s, PG(i)));
  memset(kva(s, PG(i)), i + 1, PGSIZE);
  mmu_set_dirty(s->pml4, (void *)PG(i), true); /* as the CPU would */
}

static struct vm_space *new_space(void)
{
  struct vm_space *s = vm_space_create();
  CHECK(s != NULL && vm_space_add_segment(s, BSS, 64 * PGSIZE, 0, 0, true));
  return s;
}

static struct palloc_usage base;
static long heap_base, files_base;

/* Everything the VM took is back. */
static void check_no_leaks(void)
{
  struct palloc_usage u;
  palloc_get_usage(&u);
  CHECK(u.user_used == base.user_used && u.kernel_used == base.kernel_used);
  CHECK(heap_live == heap_base && files_open == files_base && swap_used() == 0);
  CHECK(lock_errors == 0 && locks_held == 0);
}

/* VM_FORK_SHARE: the child gets every record at once, sharing frames; no origin link. */
static void test_share(void)
{
  struct vm_space *p = new_space(), *c = vm_space_create();
  for (int i = 0; i < 4; i++)
    put(p, i);
  vm_fork_mode = VM_FORK_SHARE;
  CHECK(vm_space_copy(c, p, NULL));
  CHECK(c->spt.page_cnt == 4 && c->origin == NULL && list_empty(&p->heirs));
  for (int i = 0; i < 4; i++)
    CHECK(kva(c, PG(i)) == kva(p, PG(i)) && rec(p, PG(i))->frame->refs == 2 &&
          !writable(p, PG(i)) && !writable(c, PG(i)));
  vm_space_destroy(p);
  vm_space_destroy(c);
  check_no_leaks();
}

/* Tests 1-4 and 7 on one parent: pages 0-5 (block 0), 20 (block 1), 40-43 (block 2);
   MAP1 and MAP2 one resident file page each. */
static void test_lazy(void)
{
  struct vm_space *p = new_space(), *c = vm_space_create();
  static const int had[] = {0, 1, 2, 3, 4, 5, 20, 40, 41, 42, 43};
  const int nhad = sizeof had / sizeof *had;
  uint8_t *pk[64];
  for (int i = 0; i < nhad; i++)
    put(p, had[i]);
  CHECK(vm_mmap(p, (void *)MAP1, PGSIZE, false, &fa, 0) == (void *)MAP1);
  CHECK(vm_mmap(p, (void *)MAP2, PGSIZE, false, &fa, 0) == (void *)MAP2);
  CHECK(fault(p, MAP1, false) == VM_FAULT_HANDLED && all(kva(p, MAP1), 'a'));
  CHECK(fault(p, MAP2, false) == VM_FAULT_HANDLED && all(kva(p, MAP2), 'a'));
  for (int i = 0; i < 64; i++)
    pk[i] = kva(p, PG(i));

  /* 1. The fork copies no page and write-protects the parent. */
  vm_fork_mode = VM_FORK_LAZY;
  CHECK(vm_space_copy(c, p, NULL));
  CHECK(c->spt.page_cnt == 0 && c->origin == p && list_begin(&p->heirs) == &c->heir_elem);
  CHECK(c->ranges.count == 3 && range_next(&c->ranges, NULL)->inherited);
  for (int i = 0; i < nhad; i++)
    CHECK(kva(p, PG(had[i])) == pk[had[i]] && !writable(p, PG(had[i])) &&
          inherit_pending(rec(p, PG(had[i]))));
  CHECK(!writable(p, MAP1) && !writable(p, MAP2));

  /* A read takes page 2 and its resident block neighbours 0-5, in one fault. */
  uint64_t inherit = counted[VM_PF_INHERIT], total = counted[VM_PF_TOTAL];
  CHECK(fault(c, PG(2), false) == VM_FAULT_HANDLED);
  CHECK(counted[VM_PF_INHERIT] == inherit + 1 && counted[VM_PF_TOTAL] == total + 1);
  CHECK(kva(c, PG(2)) == pk[2] && rec(p, PG(2))->frame->refs == 2 && all(kva(c, PG(2)), 3));
  for (int i = 0; i < 6; i++) {
    struct page *cp = rec(c, PG(i));
    CHECK(cp != NULL && cp->frame == rec(p, PG(i))->frame && kva(c, PG(i)) == pk[i]);
    CHECK(!writable(c, PG(i)) && cp->born == c->fork_gen);
    if (i != 2)
      CHECK(!mmu_is_accessed(c->pml4, (void *)PG(i)));
  }
  CHECK(c->spt.page_cnt == 6 && rec(c, PG(6)) == NULL && rec(c, PG(20)) == NULL);
  /* Page 6 was never the parent's: a fresh zero page. */
  uint64_t zero = counted[VM_PF_ZERO];
  CHECK(fault(c, PG(6), false) == VM_FAULT_HANDLED && counted[VM_PF_ZERO] == zero + 1);
  CHECK(all(kva(c, PG(6)), 0) && rec(p, PG(6)) == NULL);

  /* A write takes a copy at once (VM_PF_WP + VM_PF_WP_COPY); the parent keeps its frame. */
  uint64_t wp = counted[VM_PF_WP], wpc = counted[VM_PF_WP_COPY];
  CHECK(fault(c, PG(20), true) == VM_FAULT_HANDLED);
  CHECK(counted[VM_PF_WP] == wp + 1 && counted[VM_PF_WP_COPY] == wpc + 1);
  CHECK(counted[VM_PF_INHERIT] == inherit + 1);
  CHECK(kva(c, PG(20)) != NULL && kva(c, PG(20)) != pk[20] && all(kva(c, PG(20)), 21));
  CHECK(writable(c, PG(20)) && kva(p, PG(20)) == pk[20] && rec(p, PG(20))->frame->refs == 1);
  CHECK(rec(c, PG(21)) == NULL); /* a write takes no neighbours */
  /* A mapping's page is always copied, even for a read. */
  CHECK(fault(c, MAP2, false) == VM_FAULT_HANDLED && kva(c, MAP2) != kva(p, MAP2));
  CHECK(all(kva(c, MAP2), 'a'));

  /* 2. Generations: page 30, made by the parent after the fork, is not inherited. */
  CHECK(fault(p, PG(30), true) == VM_FAULT_HANDLED && writable(p, PG(30)));
  memset(kva(p, PG(30)), 0x77, PGSIZE);
  inherit = counted[VM_PF_INHERIT];
  CHECK(fault(c, PG(30), false) == VM_FAULT_HANDLED && counted[VM_PF_INHERIT] == inherit);
  CHECK(kva(c, PG(30)) != kva(p, PG(30)) && all(kva(c, PG(30)), 0));
  /* The child's own mapping at MAP1 (after munmapping the inherited one) reads its file. */
  vm_munmap(c, (void *)MAP1);
  CHECK(vm_mmap(c, (void *)MAP1, PGSIZE, false, &fb, 0) == (void *)MAP1);
  CHECK(!range_find_meeting(&c->ranges, MAP1, MAP1 + 1)->inherited);
  uint64_t file = counted[VM_PF_FILE];
  CHECK(fault(c, MAP1, false) == VM_FAULT_HANDLED && counted[VM_PF_FILE] == file + 1);
  CHECK(kva(c, MAP1) != kva(p, MAP1) && all(kva(c, MAP1), 'b'));

  /* 3. A parent write to page 3 (not yet pushed) gives the child the old contents. */
  size_t ccount = c->spt.page_cnt;
  struct frame *old3 = rec(p, PG(3))->frame;
  CHECK(rec(c, PG(3))->frame == old3);
  /* Page 40, untouched by the child: the push makes the child's record. */
  CHECK(rec(c, PG(40)) == NULL);
  CHECK(fault(p, PG(40), true) == VM_FAULT_HANDLED && writable(p, PG(40)));
  CHECK(c->spt.page_cnt == ccount + 1 && rec(c, PG(40)) != NULL);
  CHECK(rec(c, PG(40))->frame == frame_of_kva(pk[40]) && !inherit_pending(rec(p, PG(40))));
  CHECK(kva(p, PG(40)) != pk[40]);
  memset(kva(p, PG(40)), 0xEE, PGSIZE);
  CHECK(all(pk[40], 41) && all(kva(p, PG(40)), 0xEE));
  /* Page 3, taken by the child already: not pushed again (same record, same count). */
  struct page *c3 = rec(c, PG(3));
  CHECK(fault(p, PG(3), true) == VM_FAULT_HANDLED && writable(p, PG(3)));
  CHECK(rec(c, PG(3)) == c3 && c3->frame == old3 && c->spt.page_cnt == ccount + 1);
  memset(kva(p, PG(3)), 0xEE, PGSIZE);
  CHECK(kva(c, PG(3)) == pk[3] && all(pk[3], 4));

  /* 7. The origin's refs: the heir's faults borrowed and gave back one each. */
  CHECK(p->refs == 1 && lock_errors == 0 && locks_held == 0);

  /* 4. Parent exit: pages 41-43 (owed) go to the child first, which is then on its own. */
  CHECK(rec(c, PG(41)) == NULL && rec(c, PG(42)) == NULL && rec(c, PG(43)) == NULL);
  heap_freed_n = 0;
  vm_space_destroy(p);
  CHECK(heap_was_freed(p));
  CHECK(c->origin == NULL);
  for (int i = 41; i <= 43; i++)
    CHECK(rec(c, PG(i)) != NULL && all(kva(c, PG(i)), i + 1) && rec(c, PG(i))->frame->refs == 1);
  CHECK(all(kva(c, PG(40)), 41) && all(kva(c, PG(3)), 4) && all(kva(c, PG(20)), 21));
  CHECK(rec(c, PG(30)) != NULL && all(kva(c, PG(30)), 0));
  /* The heir still works: writing an exited parent's page reuses the frame. */
  uint64_t reuse = counted[VM_PF_WP_REUSE];
  CHECK(fault(c, PG(42), true) == VM_FAULT_HANDLED && counted[VM_PF_WP_REUSE] == reuse + 1);
  CHECK(writable(c, PG(42)) && all(kva(c, PG(42)), 43));
  CHECK(fault(c, PG(50), false) == VM_FAULT_HANDLED && all(kva(c, PG(50)), 0));
  vm_space_destroy(c);
  check_no_leaks();
}

/* 5. An heir that forks before touching anything is settled first. */
static void test_settle(void)
{
  struct vm_space *p = new_space(), *c = vm_space_create(), *g = vm_space_create();
  for (int i = 0; i < 4; i++)
    put(p, i);
  vm_fork_mode = VM_FORK_LAZY;
  CHECK(vm_space_copy(c, p, NULL) && c->origin == p && c->spt.page_cnt == 0);
  CHECK(vm_space_copy(g, c, NULL));
  CHECK(c->origin == NULL && list_empty(&p->heirs) && c->spt.page_cnt == 4);
  CHECK(g->origin == c && list_begin(&c->heirs) == &g->heir_elem && g->spt.page_cnt == 0);
  for (int i = 0; i < 4; i++)
    CHECK(kva(c, PG(i)) == kva(p, PG(i)) && all(kva(c, PG(i)), i + 1));
  CHECK(fault(g, PG(1), false) == VM_FAULT_HANDLED && g->spt.page_cnt == 4);
  CHECK(kva(g, PG(1)) == kva(p, PG(1)) && rec(p, PG(1))->frame->refs == 3);
  /* No heirs: the parent writes without pushing, copying off the shared frame. */
  uint64_t wpc = counted[VM_PF_WP_COPY];
  CHECK(fault(p, PG(0), true) == VM_FAULT_HANDLED && counted[VM_PF_WP_COPY] == wpc + 1);
  CHECK(kva(p, PG(0)) != kva(c, PG(0)) && c->spt.page_cnt == 4);
  /* 7. An heir's thread waiting for the lock holds a reference: the struct outlives the
     origin's exit until the waiter lets go (space_lock, space_unref). */
  c->refs++;
  heap_freed_n = 0;
  vm_space_destroy(c); /* the origin of g (g took everything it inherited already) */
  CHECK(!heap_was_freed(c) && c->refs == 1);
  space_unref(c);
  CHECK(heap_was_freed(c));
  CHECK(g->origin == NULL && all(kva(g, PG(3)), 4));
  vm_space_destroy(p);
  vm_space_destroy(g);
  check_no_leaks();
}

/* The heir exits first: the parent takes its pages back writable without copying. */
static void test_heir_exit(void)
{
  struct vm_space *p = new_space(), *c = vm_space_create();
  put(p, 0);
  uint8_t *k = kva(p, PG(0));
  vm_fork_mode = VM_FORK_LAZY;
  CHECK(vm_space_copy(c, p, NULL));
  CHECK(fault(c, PG(0), false) == VM_FAULT_HANDLED && kva(c, PG(0)) == k);
  vm_space_destroy(c);
  CHECK(list_empty(&p->heirs) && !inherit_pending(rec(p, PG(0))) && !writable(p, PG(0)));
  uint64_t reuse = counted[VM_PF_WP_REUSE];
  CHECK(fault(p, PG(0), true) == VM_FAULT_HANDLED && counted[VM_PF_WP_REUSE] == reuse + 1);
  CHECK(kva(p, PG(0)) == k && writable(p, PG(0)) && all(k, 1));
  vm_space_destroy(p);
  check_no_leaks();
}

/* 2. Two heirs: a page made between the forks belongs to the second only; a write pushes
   the old page to both. */
static void test_two_heirs(void)
{
  struct vm_space *p = new_space(), *c1 = vm_space_create(), *c2 = vm_space_create();
  vm_fork_mode = VM_FORK_LAZY;
  put(p, 0);
  CHECK(vm_space_copy(c1, p, NULL));
  put(p, 1);
  CHECK(vm_space_copy(c2, p, NULL));
  CHECK(c1->origin_gen == 1 && c2->origin_gen == 2 && !writable(p, PG(1)));
  CHECK(inherit_pending(rec(p, PG(1))) && list_size(&p->heirs) == 2);
  CHECK(fault(c1, PG(1), false) == VM_FAULT_HANDLED && all(kva(c1, PG(1)), 0));
  CHECK(kva(c1, PG(1)) != kva(p, PG(1)) && rec(c1, PG(0)) == NULL);
  CHECK(fault(c2, PG(1), false) == VM_FAULT_HANDLED && kva(c2, PG(1)) == kva(p, PG(1)));
  CHECK(kva(c2, PG(0)) == kva(p, PG(0))); /* its block neighbour */
  uint8_t *k0 = kva(p, PG(0));
  CHECK(fault(p, PG(0), true) == VM_FAULT_HANDLED && kva(p, PG(0)) != k0);
  CHECK(kva(c1, PG(0)) == k0 && kva(c2, PG(0)) == k0 && frame_of_kva(k0)->refs == 2);
  memset(kva(p, PG(0)), 9, PGSIZE);
  CHECK(all(k0, 1) && c1->spt.page_cnt == 2 && c2->spt.page_cnt == 2);
  vm_space_destroy(p);
  CHECK(c1->origin == NULL && c2->origin == NULL && all(kva(c2, PG(1)), 2));
  vm_space_destroy(c1);
  vm_space_destroy(c2);
  check_no_leaks();
}

/* Takes every free user page from under the frame table (N of them into PAGES): the next
   frame must come from eviction. */
static void *raw[4096];
static size_t exhaust(void **pages, enum palloc_flags pool)
{
  size_t n = 0;
  while (n < 4096 && (pages[n] = palloc_get_page(pool)) != NULL)
    n++;
  CHECK(n < 4096);
  return n;
}
static void give_back(void **pages, size_t n)
{
  while (n > 0)
    palloc_free_page(pages[--n]);
}

/* Swap: a pending page keeps its slot when it comes back, and the push gives the heir the
   slot instead of the frame; a page the heir took from swap is shared back by the parent. */
static void test_swap(void)
{
  struct vm_space *p = new_space(), *c = vm_space_create(), *q = new_space();
  put(p, 0);
  put(p, 1);
  vm_fork_mode = VM_FORK_LAZY;
  CHECK(vm_space_copy(c, p, NULL));
  size_t n = exhaust(raw, PAL_USER);
  /* Two first touches in Q evict P's pages (fifo: oldest first) to two slots. */
  uint64_t out = counted[VM_EVICT_SWAP];
  CHECK(fault(q, PG(0), false) == VM_FAULT_HANDLED && fault(q, PG(1), false) == VM_FAULT_HANDLED);
  struct page *p0 = rec(p, PG(0)), *p1 = rec(p, PG(1));
  CHECK(counted[VM_EVICT_SWAP] == out + 2 && p0->frame == NULL && p1->frame == NULL);
  CHECK(p0->slot != SWAP_NONE && p1->slot != SWAP_NONE && swap_used() == 2);
  CHECK(p0->ops == &vm_anon_ops && inherit_pending(p0));
  give_back(raw, n);
  vm_space_destroy(q);

  /* P reads page 0 back: pending, so it keeps the slot (still a copy). */
  uint32_t s0 = p0->slot;
  uint64_t in = counted[VM_PF_SWAPIN];
  CHECK(fault(p, PG(0), false) == VM_FAULT_HANDLED && counted[VM_PF_SWAPIN] == in + 1);
  CHECK(all(kva(p, PG(0)), 1) && p0->slot == s0 && !writable(p, PG(0)));
  /* Evicted again, clean: the slot is a copy, nothing is written. */
  q = new_space();
  n = exhaust(raw, PAL_USER);
  out = counted[VM_SWAP_OUT];
  uint64_t evicted = counted[VM_EVICT_SWAP];
  CHECK(fault(q, PG(0), false) == VM_FAULT_HANDLED && counted[VM_EVICT_SWAP] == evicted + 1);
  CHECK(p0->frame == NULL && p0->slot == s0 && counted[VM_SWAP_OUT] == out);
  give_back(raw, n);
  vm_space_destroy(q);
  CHECK(fault(p, PG(0), false) == VM_FAULT_HANDLED && all(kva(p, PG(0)), 1) && p0->slot == s0);
  /* P writes it: the push gives C the slot alone, P keeps its frame and drops the slot. */
  uint8_t *k0 = kva(p, PG(0));
  CHECK(fault(p, PG(0), true) == VM_FAULT_HANDLED && kva(p, PG(0)) == k0);
  struct page *c0 = rec(c, PG(0));
  CHECK(c0 != NULL && c0->frame == NULL && c0->slot == s0 && p0->slot == SWAP_NONE);
  CHECK(writable(p, PG(0)) && swap_used() == 2);
  memset(k0, 0xEE, PGSIZE);
  CHECK(fault(c, PG(0), false) == VM_FAULT_HANDLED && kva(c, PG(0)) != k0);
  CHECK(all(kva(c, PG(0)), 1) && c0->slot == SWAP_NONE && swap_used() == 1);

  /* C takes page 1 while it is in swap, reads it in; P's read then shares C's frame. */
  uint32_t s1 = p1->slot;
  CHECK(fault(c, PG(1), false) == VM_FAULT_HANDLED && all(kva(c, PG(1)), 2));
  in = counted[VM_PF_SWAPIN];
  uint64_t minor = counted[VM_PF_MINOR];
  CHECK(fault(p, PG(1), false) == VM_FAULT_HANDLED && kva(p, PG(1)) == kva(c, PG(1)));
  CHECK(counted[VM_PF_SWAPIN] == in + 1 && counted[VM_PF_MINOR] == minor + 1);
  CHECK(p1->slot == SWAP_NONE && rec(c, PG(1))->slot == SWAP_NONE && swap_used() == 0);
  CHECK(fault(p, PG(1), true) == VM_FAULT_HANDLED && kva(p, PG(1)) != kva(c, PG(1)));
  memset(kva(p, PG(1)), 0xEE, PGSIZE);
  CHECK(all(kva(c, PG(1)), 2) && s1 != s0);
  vm_space_destroy(p);
  vm_space_destroy(c);
  check_no_leaks();
}

/* 6. A push that runs out of memory makes the heir lost. */
static void test_lost(void)
{
  struct vm_space *p = new_space(), *c = vm_space_create(), *x = vm_space_create();
  for (int i = 0; i < 4; i++)
    put(p, i);
  vm_fork_mode = VM_FORK_LAZY;
  CHECK(vm_space_copy(c, p, NULL));
  /* A take that fails leaves the page owed (the space is not lost); so does a failed
     neighbour of the block (page 2's take succeeds, its first neighbour's fails). */
  heap_fail_in = 1;
  CHECK(fault(c, PG(3), false) == VM_FAULT_OOM && rec(c, PG(3)) == NULL && !c->lost);
  size_t n = exhaust(raw, 0); /* no page-table page for the child's share of page 3 */
  CHECK(fault(c, PG(3), false) == VM_FAULT_OOM && rec(c, PG(3)) == NULL && !c->lost);
  CHECK(rec(p, PG(3))->frame->refs == 1);
  give_back(raw, n);
  heap_fail_in = 2;
  CHECK(fault(c, PG(2), false) == VM_FAULT_HANDLED && c->spt.page_cnt == 1 && !c->lost);
  CHECK(kva(c, PG(2)) == kva(p, PG(2)));
  CHECK(fault(c, PG(3), false) == VM_FAULT_HANDLED && kva(c, PG(3)) == kva(p, PG(3)));
  CHECK(rec(c, PG(0)) != NULL && rec(c, PG(1)) != NULL);
  vm_space_destroy(c);
  c = vm_space_create();
  CHECK(vm_space_copy(c, p, NULL));
  heap_fail_in = 1; /* the child's record of page 0 */
  CHECK(fault(p, PG(0), true) == VM_FAULT_HANDLED);
  CHECK(heap_fail_in == 0 && c->lost && rec(c, PG(0)) == NULL && writable(p, PG(0)));
  CHECK(fault(c, PG(1), false) == VM_FAULT_OOM && rec(c, PG(1)) == NULL);
  CHECK(fault(c, PG(9), false) == VM_FAULT_OOM); /* maybe one it lost: refused too */
  CHECK(!vm_space_copy(x, c, NULL) && x->spt.page_cnt == 0);
  CHECK(fault(p, PG(1), true) == VM_FAULT_HANDLED && writable(p, PG(1)));
  vm_space_destroy(x);
  vm_space_destroy(p);
  vm_space_destroy(c);
  check_no_leaks();
}

int main(void)
{
  host_ram_setup(16);
  mmu_init();
  palloc_init(512);
  frame_table_init(evict_one);
  swap_init();
  policy_init(policy_find("fifo"), 0);
  memset(file_a, 'a', PGSIZE);
  memset(file_b, 'b', PGSIZE);
  palloc_get_usage(&base);
  heap_base = heap_live;
  files_base = files_open;
  test_share();
  test_lazy();
  test_settle();
  test_heir_exit();
  test_two_heirs();
  test_swap();
  test_lost();
  return host_finish("test_fork");
}
