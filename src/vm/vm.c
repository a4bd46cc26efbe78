/* Virtual memory: address spaces (supplemental page table + page table), the page-fault
   resolver and mmap. Page-type specific behaviour lives behind struct page_ops in
   uninit.c, anon.c and file.c; frames come from frame.c. */

#include "vm/vm.h"
#include "lib/stdio.h"
#include "lib/string.h"
#include "threads/malloc.h"
#include "threads/mmu.h"
#include "threads/thread.h"
#include "threads/vaddr.h"
#include "userprog/process.h"
#include "vm/frame.h"
#include "vm/page.h"

#define SPT_INITIAL_BUCKETS 32

/* Benchmark counters (vm_format_stats): pages that ever received a frame (first touch,
   eager stack page, fork copy) and time-stamp-counter cycles spent resolving faults
   (under Bochs one cycle per emulated instruction, plus any time spent idle waiting for
   the disk). */
static uint64_t pages_touched, fault_cycles;

static inline uint64_t vm_rdtsc(void)
{
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((uint64_t)hi << 32) | lo;
}

void vm_init(void) { frame_table_init(); }

/* Fibonacci hashing of the page number onto the power-of-two bucket array. */
static size_t spt_bucket(const struct vm_space *s, const void *va)
{
  return (size_t)((pg_no(va) * 0x9E3779B97F4A7C15ULL) >> 20) & (s->bucket_cnt - 1);
}

/* Page of S at page-aligned UPAGE, or NULL. */
static struct page *spt_find(const struct vm_space *s, const void *upage)
{
  for (struct page *p = s->buckets[spt_bucket(s, upage)]; p != NULL; p = p->hash_next)
    if (p->va == upage)
      return p;
  return NULL;
}

/* Doubles the bucket array; keeps the old one if memory is short (lookups stay correct,
   just slower). */
static void spt_grow(struct vm_space *s)
{
  size_t old_cnt = s->bucket_cnt;
  struct page **old = s->buckets;
  struct page **nb = calloc(old_cnt * 2, sizeof *nb);
  if (nb == NULL)
    return;
  s->buckets = nb;
  s->bucket_cnt = old_cnt * 2;
  for (size_t i = 0; i < old_cnt; i++) {
    struct page *p = old[i];
    while (p != NULL) {
      struct page *next = p->hash_next;
      size_t b = spt_bucket(s, p->va);
      p->hash_next = nb[b];
      nb[b] = p;
      p = next;
    }
  }
  free(old);
}

/* Needs: no page at P->va in S. */
static void spt_insert(struct vm_space *s, struct page *p)
{
  if (s->page_cnt >= 2 * s->bucket_cnt)
    spt_grow(s);
  size_t b = spt_bucket(s, p->va);
  p->hash_next = s->buckets[b];
  s->buckets[b] = p;
  s->page_cnt++;
}

/* Needs: VICTIM in S's table. Unlinks it (does not free it). */
static void spt_remove(struct vm_space *s, struct page *victim)
{
  struct page **pp = &s->buckets[spt_bucket(s, victim->va)];
  while (*pp != victim)
    pp = &(*pp)->hash_next;
  *pp = victim->hash_next;
  s->page_cnt--;
}

/* Guarantees: a page of S at UPAGE with only the common fields set (the caller gives it
   a type), not yet in the table. NULL if out of memory. */
static struct page *page_new(struct vm_space *s, void *upage, bool writable)
{
  struct page *p = malloc(sizeof *p);
  if (p == NULL)
    return NULL;
  memset(p, 0, sizeof *p);
  p->va = upage;
  p->space = s;
  p->writable = writable;
  return p;
}

/* Needs: P in S's table. Guarantees: P's backing store is released (dirty file data
   written back), its frame unmapped and freed, P removed and freed. */
static void page_discard(struct vm_space *s, struct page *p, bool unmap)
{
  p->ops->destroy(p);
  if (p->frame != NULL) {
    if (unmap)
      mmu_unmap_page(s->pml4, p->va);
    frame_free(p->frame);
  }
  spt_remove(s, p);
  free(p);
}

/* Needs: P not resident. Guarantees: on VM_FAULT_HANDLED P has a frame with its
   contents, mapped with P's rights. */
static enum vm_fault_result page_claim(struct page *p)
{
  struct frame *f = frame_alloc(p);
  if (f == NULL)
    return VM_FAULT_OOM;
  if (!p->ops->swap_in(p, f->kva)) {
    frame_free(f);
    return VM_FAULT_INVALID;
  }
  if (!mmu_map_page(p->space->pml4, p->va, f->kva, p->writable)) {
    frame_free(f);
    return VM_FAULT_OOM;
  }
  p->frame = f;
  pages_touched++;
  return VM_FAULT_HANDLED;
}

struct vm_space *vm_space_create(void)
{
  struct vm_space *s = malloc(sizeof *s);
  if (s == NULL)
    return NULL;
  s->buckets = calloc(SPT_INITIAL_BUCKETS, sizeof *s->buckets);
  s->pml4 = s->buckets != NULL ? mmu_create() : NULL;
  if (s->pml4 == NULL) {
    free(s->buckets);
    free(s);
    return NULL;
  }
  s->bucket_cnt = SPT_INITIAL_BUCKETS;
  s->page_cnt = 0;
  s->exec_file = NULL;
  list_init(&s->mappings);
  return s;
}

void vm_space_destroy(struct vm_space *s)
{
  if (s == NULL)
    return;
  for (size_t i = 0; i < s->bucket_cnt; i++)
    while (s->buckets[i] != NULL)
      page_discard(s, s->buckets[i], false);
  while (!list_empty(&s->mappings)) {
    struct vm_mapping *m = list_entry(list_pop_front(&s->mappings), struct vm_mapping, elem);
    file_close(m->file);
    free(m);
  }
  free(s->buckets);
  file_close(s->exec_file);
  mmu_destroy(s->pml4);
  free(s);
}

void vm_space_set_exec(struct vm_space *s, struct file *file) { s->exec_file = file; }
struct file *vm_space_exec(const struct vm_space *s) { return s->exec_file; }
uint64_t *vm_space_pml4(const struct vm_space *s) { return s->pml4; }

/* Mapping of S that starts at START, or NULL. */
static struct vm_mapping *mapping_find(const struct vm_space *s, const void *start)
{
  for (struct list_elem *e = list_begin((struct list *)&s->mappings);
       e != list_end((struct list *)&s->mappings); e = list_next(e)) {
    struct vm_mapping *m = list_entry(e, struct vm_mapping, elem);
    if (m->start == start)
      return m;
  }
  return NULL;
}

bool vm_space_copy(struct vm_space *dst, const struct vm_space *src)
{
  for (struct list_elem *e = list_begin((struct list *)&src->mappings);
       e != list_end((struct list *)&src->mappings); e = list_next(e)) {
    const struct vm_mapping *m = list_entry(e, struct vm_mapping, elem);
    struct vm_mapping *nm = malloc(sizeof *nm);
    if (nm == NULL)
      return false;
    nm->file = file_reopen(m->file);
    if (nm->file == NULL) {
      free(nm);
      return false;
    }
    nm->start = m->start;
    nm->page_cnt = m->page_cnt;
    list_push_back(&dst->mappings, &nm->elem);
  }
  for (size_t i = 0; i < src->bucket_cnt; i++)
    for (const struct page *sp = src->buckets[i]; sp != NULL; sp = sp->hash_next) {
      struct page *np = page_new(dst, sp->va, sp->writable);
      if (np == NULL)
        return false;
      np->ops = sp->ops;
      if (sp->ops->type == VM_UNINIT)
        np->uninit = sp->uninit;
      else if (sp->ops->type == VM_ANON)
        vm_anon_init(np);
      else
        vm_file_init(np, mapping_find(dst, sp->file.map->start), sp->file.ofs, sp->file.read_bytes);
      spt_insert(dst, np);
      if (sp->frame == NULL)
        continue;
      struct frame *f = frame_alloc(np);
      if (f == NULL)
        return false;
      memcpy(f->kva, sp->frame->kva, PGSIZE);
      if (!mmu_map_page(dst->pml4, np->va, f->kva, np->writable)) {
        frame_free(f);
        return false;
      }
      np->frame = f;
      pages_touched++;
      if (sp->ops->type == VM_FILE && mmu_is_dirty(src->pml4, sp->va))
        mmu_set_dirty(dst->pml4, np->va, true);
    }
  return true;
}

bool vm_space_add_lazy(struct vm_space *s, void *upage, bool writable, size_t page_ofs, size_t len,
                       off_t file_ofs)
{
  struct page *p = spt_find(s, upage);
  if (p == NULL) {
    p = page_new(s, upage, writable);
    if (p == NULL)
      return false;
    vm_uninit_init(p, VM_ANON);
    spt_insert(s, p);
  } else if (p->ops->type != VM_UNINIT)
    return false;
  p->writable |= writable;
  if (len == 0)
    return true;
  struct uninit_page *u = &p->uninit;
  if (u->chunk_cnt == VM_LAZY_CHUNKS)
    return false;
  u->chunks[u->chunk_cnt++] = (struct lazy_chunk){
      .page_ofs = (uint16_t)page_ofs, .len = (uint16_t)len, .file_ofs = file_ofs};
  return true;
}

void *vm_space_add_resident(struct vm_space *s, void *upage)
{
  if (spt_find(s, upage) != NULL)
    return NULL;
  struct page *p = page_new(s, upage, true);
  if (p == NULL)
    return NULL;
  vm_anon_init(p);
  struct frame *f = frame_alloc(p);
  if (f == NULL) {
    free(p);
    return NULL;
  }
  if (!mmu_map_page(s->pml4, upage, f->kva, true)) {
    frame_free(f);
    free(p);
    return NULL;
  }
  memset(f->kva, 0, PGSIZE);
  p->frame = f;
  spt_insert(s, p);
  pages_touched++;
  return f->kva;
}

/* True if an access at ADDR with the stack pointer at RSP may grow the stack (ABI 3:
   within the 1 MiB stack area and no more than 8 bytes below rsp, the push case). */
static bool is_stack_growth(uint64_t addr, uint64_t rsp)
{
  return addr < USER_STACK && addr >= USER_STACK - USER_STACK_LIMIT && addr + 8 >= rsp;
}

/* Adds one to the counter at FIELD_OFS in both the global and PROC's fault counters. */
static void count_fault(struct process *proc, size_t field_ofs)
{
  *(uint64_t *)((uint8_t *)&kstats.faults + field_ofs) += 1;
  *(uint64_t *)((uint8_t *)&proc->faults + field_ofs) += 1;
}
#define COUNT(PROC, FIELD) count_fault(PROC, __builtin_offsetof(struct fault_counters, FIELD))

static enum vm_fault_result fault_resolve(void *addr, bool write, bool not_present);

enum vm_fault_result vm_try_handle_fault(void *addr, bool user, bool write, bool not_present)
{
  (void)user;
  uint64_t start = vm_rdtsc();
  enum vm_fault_result r = fault_resolve(addr, write, not_present);
  fault_cycles += vm_rdtsc() - start;
  return r;
}

/* Needs: called for a fault of the current thread. Guarantees: see vm_try_handle_fault. */
static enum vm_fault_result fault_resolve(void *addr, bool write, bool not_present)
{
  struct thread *t = thread_current();
  struct process *proc = t->process;
  if (proc == NULL || proc->space == NULL)
    return VM_FAULT_INVALID;
  COUNT(proc, total);
  struct vm_space *s = proc->space;
  void *upage = pg_round_down(addr);
  struct page *p = NULL;
  bool stack = false;
  if (not_present && is_user_vaddr(addr) && (uint64_t)addr >= PGSIZE) {
    p = spt_find(s, upage);
    if (p == NULL && is_stack_growth((uint64_t)addr, t->user_rsp)) {
      p = page_new(s, upage, true);
      if (p == NULL)
        return VM_FAULT_OOM;
      vm_anon_init(p);
      spt_insert(s, p);
      stack = true;
    }
  }
  if (p == NULL || p->frame != NULL || (write && !p->writable)) {
    COUNT(proc, invalid);
    return VM_FAULT_INVALID;
  }
  bool from_file =
      (p->ops->type == VM_UNINIT && p->uninit.chunk_cnt > 0) || p->ops->type == VM_FILE;
  bool swapped = p->ops->type == VM_ANON && !stack;
  enum vm_fault_result r;
  if (stack) {
    struct frame *f = frame_alloc(p);
    r = VM_FAULT_OOM;
    if (f != NULL) {
      memset(f->kva, 0, PGSIZE);
      if (mmu_map_page(s->pml4, upage, f->kva, true)) {
        p->frame = f;
        pages_touched++;
        r = VM_FAULT_HANDLED;
      } else
        frame_free(f);
    }
    if (r != VM_FAULT_HANDLED) {
      spt_remove(s, p);
      free(p);
    }
  } else
    r = page_claim(p);
  if (r == VM_FAULT_INVALID)
    COUNT(proc, invalid);
  if (r != VM_FAULT_HANDLED)
    return r;
  if (stack)
    COUNT(proc, stack);
  else if (from_file)
    COUNT(proc, file);
  else if (swapped)
    COUNT(proc, swapin);
  else
    COUNT(proc, zero);
  return VM_FAULT_HANDLED;
}

void *vm_mmap(struct vm_space *s, void *addr, size_t len, bool writable, struct file *file,
              off_t ofs)
{
  uint64_t a = (uint64_t)addr;
  if (a == 0 || pg_ofs(addr) != 0 || len == 0 || ofs < 0 || ofs % PGSIZE != 0 || a + len < a ||
      a + len > KERN_BASE || file == NULL)
    return NULL;
  off_t flen = file_length(file);
  if (flen <= 0)
    return NULL;
  size_t page_cnt = (len + PGSIZE - 1) / PGSIZE;
  for (size_t i = 0; i < page_cnt; i++)
    if (spt_find(s, (uint8_t *)addr + i * PGSIZE) != NULL)
      return NULL;
  struct vm_mapping *m = malloc(sizeof *m);
  if (m == NULL)
    return NULL;
  m->file = file_reopen(file);
  if (m->file == NULL) {
    free(m);
    return NULL;
  }
  m->start = addr;
  m->page_cnt = 0;
  list_push_back(&s->mappings, &m->elem);
  for (size_t i = 0; i < page_cnt; i++) {
    struct page *p = page_new(s, (uint8_t *)addr + i * PGSIZE, writable);
    if (p == NULL) {
      vm_munmap(s, addr);
      return NULL;
    }
    int64_t pofs = (int64_t)ofs + (int64_t)(i * PGSIZE);
    int64_t avail = (int64_t)flen - pofs;
    uint32_t read_bytes = avail <= 0 ? 0 : avail >= (int64_t)PGSIZE ? PGSIZE : (uint32_t)avail;
    vm_file_init(p, m, (off_t)(pofs > 0x7fffffff ? 0x7fffffff : pofs), read_bytes);
    spt_insert(s, p);
    m->page_cnt++;
  }
  return addr;
}

void vm_munmap(struct vm_space *s, void *addr)
{
  struct vm_mapping *m = mapping_find(s, addr);
  if (m == NULL)
    return;
  for (size_t i = 0; i < m->page_cnt; i++) {
    struct page *p = spt_find(s, (uint8_t *)addr + i * PGSIZE);
    if (p != NULL)
      page_discard(s, p, true);
  }
  list_remove(&m->elem);
  file_close(m->file);
  free(m);
}

int vm_format_stats(char *buf, size_t size)
{
  return snprintf(buf, size, " frames_peak=%zu pages_touched=%llu fault_cycles=%llu", frame_peak(),
                  (unsigned long long)pages_touched, (unsigned long long)fault_cycles);
}
