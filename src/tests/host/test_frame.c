/* Host unit test of the frame table (vm/frame.c), eviction (vm/evict.c) and policies (vm/policy.c):
   a frame is found from its kernel address in one step; reference counts follow the
   reverse map as pages attach and detach; a frame is freed only when no page maps it and
   nothing pins it; when the user pool is empty, frame_alloc evicts (fifo: the oldest
   filled frame, skipping pinned ones), unmapping every sharer; hotcold keeps most of a
   loop larger than memory (clock none) and its hot pages through a scan; lirs keeps more
   of the loop than hotcold, and the scan's hot pages too.
   Build: gcc -Isrc -DHOST_TEST -O1 -g src/tests/host/test_frame.c -o test_frame */
#define off_t libc_off_t
#include "tests/host/kernel_env.h"
#undef off_t
#include "threads/bitmap.c"
#include "lib/kernel/list.c"
#include "threads/e820.c"
#include "threads/palloc.c"
#include "threads/mmu.c"
#include "vm/frame.c"
#include "vm/frame_wait.c"
#include "vm/evict.c"
#include "vm/policy.c"
#include "vm/policy_hotcold.c"
#include "vm/policy_2q.c"
#include "vm/policy_lirs.c"

/* Single-threaded stand-ins for locks and the current thread. */
static struct thread *const host_self = (struct thread *)0x1000;
struct thread *thread_current(void) { return host_self; }
void timer_sleep(int64_t ticks) { (void)ticks; }
void thread_yield(void) {}
void lock_init(struct lock *l) { l->holder = NULL; }
void lock_acquire(struct lock *l) { l->holder = host_self; }
bool lock_try_acquire(struct lock *l)
{
  if (l->holder != NULL)
    return false;
  l->holder = host_self;
  return true;
}
void lock_release(struct lock *l) { l->holder = NULL; }
bool lock_held_by_current_thread(const struct lock *l) { return l->holder == host_self; }

/* No swap disk in this test: the swap cache is always empty, and swap_full is false so
   that every frame is worth trying (test_evict decides). */
bool swap_full(void) { return false; }
struct frame *swap_cache_find(uint32_t slot)
{
  (void)slot;
  return NULL;
}
void swap_cache_add(uint32_t slot, struct frame *f)
{
  (void)slot;
  (void)f;
}
void swap_cache_remove(uint32_t slot, struct frame *f)
{
  (void)slot;
  (void)f;
}
bool swap_shared(uint32_t slot)
{
  (void)slot;
  return false;
}

static uint64_t counted[VM_STAT_CNT];
void vm_count(struct vm_counters *proc, enum vm_stat k)
{
  (void)proc;
  counted[k]++;
}

bool page_map(struct page *page)
{
  return mmu_map_page(page->space->pml4, (void *)page->va, frame_kva(page->frame),
                      page->writable && page->frame->refs == 1);
}

static int evictions;
static enum evict_kind test_evict(struct page *page, void *kva, bool dirty)
{
  (void)page;
  (void)kva;
  (void)dirty;
  evictions++;
  return EVICT_DROP;
}
static const struct page_ops test_ops = {.evict = test_evict};

static struct vm_space spaces[3];
static struct page pages[3][4096];

/* Maps page P of space S at a fresh address to F. */
static struct page *attach(struct frame *f, int s, int i)
{
  struct page *p = &pages[s][i];
  p->va = 0x400000 + (uint64_t)i * PGSIZE;
  p->space = &spaces[s];
  p->ops = &test_ops;
  p->writable = true;
  frame_attach(f, p);
  CHECK(page_map(p));
  return p;
}

/* One touch of page I of space 2 (pages 1000 and up): a fault gives it a frame, and the
   access sets its accessed bit as the CPU would. Returns 1 for a fault, else 0. */
static int touch(int i)
{
  struct page *p = &pages[2][1000 + i];
  int fault = p->frame == NULL;
  if (fault) {
    struct frame *f = frame_alloc(0);
    CHECK(f != NULL);
    attach(f, 2, 1000 + i);
    frame_unpin(f);
  }
  mmu_set_accessed(spaces[2].pml4, (void *)p->va, true);
  return fault;
}

/* Frees the frames of pages 1000 and up of space 2, as an exit would. */
static void release_all(int n)
{
  for (int i = 0; i < n; i++) {
    struct page *p = &pages[2][1000 + i];
    if (p->frame != NULL) {
      mmu_unmap_page(spaces[2].pml4, (void *)p->va);
      frame_detach(p->frame, p);
    }
    p->policy_tag = 0;
  }
}

/* Faults of PASSES cyclic passes over N pages under POLICY, and (scan, when HOT > 0)
   of the hot pages 0..HOT-1 after the first round of HOT hot then COLD new pages. */
static int run_pattern(const char *policy, int n, int passes, int hot, int cold)
{
  policy_init(policy_find(policy), 0);
  int faults = 0;
  if (hot == 0)
    for (int r = 0; r < passes; r++)
      for (int i = 0; i < n; i++)
        faults += touch(i);
  else
    for (int r = 0; r < passes; r++) {
      for (int i = 0; i < hot; i++)
        faults += r >= 2 ? touch(i) : (touch(i), 0);
      for (int i = 0; i < cold; i++)
        touch(hot + r * cold + i);
    }
  release_all(hot == 0 ? n : hot + passes * cold);
  CHECK(policy_queue_len(0) == 0 && policy_queue_len(1) == 0);
  return faults;
}

/* hotcold against clock: a cyclic loop over 1.5 times the frames, where clock faults on
   every touch, keeps most of its pages; hot pages survive a scan of pages used once. */
static void check_hotcold(size_t total)
{
  int n = (int)(total + total / 2);
  int clock_faults = run_pattern("clock", n, 8, 0, 0);
  int hotcold_faults = run_pattern("hotcold", n, 8, 0, 0);
  CHECK(clock_faults == 8 * n);
  CHECK(hotcold_faults * 10 < clock_faults * 7);
  CHECK(run_pattern("hotcold", 0, 6, (int)total / 2, (int)total) == 0);
  CHECK(run_pattern("clock", 0, 6, (int)total / 2, (int)total) > 0);
  evictions = 0;
  counted[VM_EVICT_DROP] = 0;
}

/* lirs on the same patterns: the first hot_max() pages of the loop stay from the first
   pass on (cold start), so each later pass faults only on the rest, far fewer than hotcold;
   the scan's hot pages survive as they do under hotcold. */
static void check_lirs(size_t total)
{
  int n = (int)(total + total / 2);
  int lirs_faults = run_pattern("lirs", n, 8, 0, 0);
  int hotcold_faults = run_pattern("hotcold", n, 8, 0, 0);
  printf("lirs: loop of %d pages over %zu frames, 8 passes: %d faults (hotcold %d)\n", n, total,
         lirs_faults, hotcold_faults);
  CHECK(lirs_faults < hotcold_faults);
  CHECK(lirs_faults <= n + 7 * (n - (int)lirs_hot_max() + 1));
  CHECK(run_pattern("lirs", 0, 6, (int)total / 2, (int)total) == 0);
  evictions = 0;
  counted[VM_EVICT_DROP] = 0;
}

int main(void)
{
  host_ram_setup(8);
  mmu_init();
  palloc_init(64);
  frame_table_init(evict_one);
  policy_init(policy_find("fifo"), 0);
  CHECK(policy_find("clock") != NULL && policy_find("2q") != NULL && policy_find("lru") == NULL);
  for (int s = 0; s < 3; s++) {
    lock_init(&spaces[s].lock);
    spaces[s].refs = 1; /* the owner's reference: the evictor takes and drops others */
    spaces[s].pml4 = mmu_create();
    CHECK(spaces[s].pml4 != NULL);
  }
  struct palloc_usage u;
  palloc_get_usage(&u);
  check_hotcold(u.user_total);
  check_lirs(u.user_total);
  policy_init(policy_find("fifo"), 0);

  /* One frame shared by three spaces. */
  struct frame *f = frame_alloc(0);
  CHECK(f != NULL && f->pinned && f->refs == 0);
  CHECK(frame_of_kva(frame_kva(f)) == f);
  CHECK(frame_of_kva((uint8_t *)frame_kva(f) + 123) == f);
  struct page *a = attach(f, 0, 0), *b = attach(f, 1, 0), *c = attach(f, 2, 0);
  CHECK(f->refs == 3 && a->frame == f && b->frame == f && c->frame == f);
  CHECK(!mmu_is_writable(spaces[2].pml4, (void *)c->va)); /* mapped while shared: read-only */
  CHECK(frame_pinned_count() == 1);
  frame_unpin(f);
  CHECK(frame_pinned_count() == 0 && f->listed);
  mmu_unmap_page(spaces[1].pml4, (void *)b->va);
  frame_detach(f, b);
  CHECK(f->refs == 2 && b->frame == NULL);
  palloc_get_usage(&u);
  CHECK(u.user_used == 1);
  mmu_unmap_page(spaces[0].pml4, (void *)a->va);
  frame_detach(f, a);
  mmu_unmap_page(spaces[2].pml4, (void *)c->va);
  frame_detach(f, c);
  palloc_get_usage(&u);
  CHECK(u.user_used == 0 && !f->listed);

  /* A frame detached while pinned survives until unpinned. */
  f = frame_alloc(0);
  a = attach(f, 0, 1);
  mmu_unmap_page(spaces[0].pml4, (void *)a->va);
  frame_detach(f, a);
  palloc_get_usage(&u);
  CHECK(u.user_used == 1);
  frame_unpin(f);
  palloc_get_usage(&u);
  CHECK(u.user_used == 0);

  /* Pins nest: two copiers of one shared frame; the first to finish leaves it pinned. */
  f = frame_alloc(0);
  a = attach(f, 0, 2);
  frame_pin(f);
  CHECK(f->pinned == 2 && frame_pinned_count() == 1);
  frame_unpin(f);
  CHECK(f->pinned == 1 && frame_pinned_count() == 1);
  frame_unpin(f);
  CHECK(f->pinned == 0 && frame_pinned_count() == 0 && f->listed);
  mmu_unmap_page(spaces[0].pml4, (void *)a->va);
  frame_detach(f, a);
  palloc_get_usage(&u);
  CHECK(u.user_used == 0);

  /* Fill the pool, then evict: fifo takes the oldest unpinned frame. */
  size_t total = u.user_total, i;
  struct frame *order[64];
  for (i = 0; i < total; i++) {
    order[i] = frame_alloc(0);
    CHECK(order[i] != NULL);
    attach(order[i], (int)(i % 2), (int)(10 + i));
    if (i != 0)
      frame_unpin(order[i]);
  }
  /* order[0] stays pinned: the victim must be order[1], shared by nobody else. */
  struct page *victim_page = order[1]->rmap;
  struct frame *g = frame_alloc(0);
  CHECK(g == order[1] && evictions == 1 && counted[VM_EVICT_DROP] == 1);
  CHECK(victim_page->frame == NULL && g->refs == 0 && g->pinned);
  CHECK(mmu_lookup_page(victim_page->space->pml4, (void *)victim_page->va) == NULL);
  /* A busy space is skipped: lock space 0 (order[2] is in space 0) from "another" holder. */
  spaces[0].lock.holder = (struct thread *)0x2000;
  struct frame *h = frame_alloc(0);
  CHECK(h == order[3]);
  spaces[0].lock.holder = NULL;
  frame_unpin(g);
  frame_unpin(h);
  frame_unpin(order[0]);
  palloc_get_usage(&u);
  CHECK(u.user_used == total - 2);
  return host_finish("test_frame");
}
