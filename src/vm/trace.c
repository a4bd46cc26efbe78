/* The VM trace (trace.h): 40-byte little-endian records in an in-kernel ring (a fault record
   is followed by its 11 u32 counters). Layout, shared with harness/trace.py:

     0 u8 type   1 u8 flags   2 u16 tid   4 u32 space (low half of its address)
     8 u64 tsc  16 u64 va    24 u32 a    28 u32 b
    32 u32 user-pool pages in use   36 u32 swap slots in use

   The ring is RING_PAGES pages from the kernel pool (the user pool keeps its size): a u32
   count of record bytes, then the records. A record is appended with interrupts off, so
   records of different threads never interleave; when one would not fit, the ring is handed
   to the harness first (trace_flush_locked). Appending costs the record's fields and a copy
   of 40 (fault: 84) bytes: no I/O, no waiting. The kernel does this whether or not the
   harness keeps the trace, so the guest runs the same instructions either way. */

#include "vm/trace.h"
#include "lib/string.h"
#include "threads/interrupt.h"
#include "threads/io.h"
#include "threads/mmu.h"
#include "threads/palloc.h"
#include "threads/thread.h"
#include "threads/vaddr.h"
#include "vm/fork.h"
#include "vm/frame.h"
#include "vm/page.h"
#include "vm/space.h"
#include "vm/stats.h"
#include "vm/swap.h"

enum trace_type {
  TR_START = 1,
  TR_FAULT,
  TR_EVICT,
  TR_SWAP_OUT,
  TR_SWAP_IN,
  TR_FORK,
  TR_EXEC,
  TR_EXIT,
  TR_SEGMENT,
  TR_STACK,
  TR_MMAP,
  TR_MUNMAP,
  TR_DESTROY,
};

struct trace_rec {
  uint8_t type, flags;
  uint16_t tid;
  uint32_t space;
  uint64_t tsc, va;
  uint32_t a, b;
  uint32_t frames, swap;
} __attribute__((packed));

_Static_assert(sizeof(struct trace_rec) == 40, "trace record layout");

#define RING_PAGES 16
#define RING_SIZE  (RING_PAGES * PGSIZE)

/* The ring: a u32 byte count, then that many bytes of records. NULL before vm_trace_start
   (no event happens earlier). */
static uint8_t *vm_trace_ring;

/* The magic breakpoint with the ring in registers, then an empty ring. Interrupts off. */
static void trace_flush_locked(void)
{
  uint32_t *used = (uint32_t *)vm_trace_ring;
  __asm__ volatile("xchg %%bx, %%bx" ::"D"(vm_trace_ring), "S"((uint64_t)(*used + 4)) : "memory");
  *used = 0;
}

void vm_trace_flush(void)
{
  if (vm_trace_ring == NULL)
    return;
  enum intr_level old = intr_disable();
  trace_flush_locked();
  intr_set_level(old);
}

/* Appends R and then its LEN bytes of EXTRA (a fault's counters) with interrupts off,
   filling in the pool and swap figures. */
static void trace_emit(struct trace_rec *r, const void *extra, unsigned len)
{
  if (vm_trace_ring == NULL)
    return;
  struct palloc_usage u;
  enum intr_level old = intr_disable();
  palloc_get_usage(&u);
  r->frames = (uint32_t)u.user_used;
  r->swap = (uint32_t)swap_used();
  uint32_t *used = (uint32_t *)vm_trace_ring;
  if (4 + *used + sizeof *r + len > RING_SIZE)
    trace_flush_locked();
  uint8_t *p = vm_trace_ring + 4 + *used;
  memcpy(p, r, sizeof *r);
  memcpy(p + sizeof *r, extra, len);
  *used += sizeof *r + len;
  intr_set_level(old);
}

/* A record of TYPE by the current thread about space S, timed now. */
static void trace_init(struct trace_rec *r, enum trace_type type, const struct vm_space *s)
{
  memset(r, 0, sizeof *r);
  r->type = (uint8_t)type;
  struct thread *t = thread_current();
  r->tid = t != NULL ? (uint16_t)t->tid : 0;
  r->space = (uint32_t)(uintptr_t)s;
  r->tsc = rdtsc();
}

static uint32_t trace_frame_no(const void *kva)
{
  return kva != NULL ? (uint32_t)(vtop(kva) >> 12) : UINT32_MAX;
}

void vm_trace_start(void)
{
  struct trace_rec r;
  struct palloc_usage u;
  palloc_get_usage(&u);
  vm_trace_ring = palloc_get_multiple(PAL_ASSERT, RING_PAGES);
  *(uint32_t *)vm_trace_ring = 0;
  trace_init(&r, TR_START, NULL);
  memcpy(&r.va, "KVMTRACE", 8);
  r.a = (uint32_t)frame_table_size();
  r.b = (uint32_t)u.user_total;
  trace_emit(&r, NULL, 0);
}

/* The counters a fault record carries, in this order (harness/trace.py FAULT_COUNTERS). */
static const enum vm_stat fault_counters[] = {
    VM_PF_FILE,    VM_PF_ZERO,  VM_PF_STACK, VM_PF_SWAPIN,  VM_PF_WP,      VM_PF_INVALID,
    VM_PF_INHERIT, VM_PF_MAJOR, VM_PF_MINOR, VM_PF_WP_COPY, VM_PF_WP_REUSE};
#define FAULT_COUNTER_CNT (sizeof fault_counters / sizeof *fault_counters)

void vm_trace_fault(struct vm_space *s, const struct vm_fault *f, const struct vm_counters *proc,
                    enum vm_fault_result res, uint64_t start)
{
  struct trace_rec r;
  uint32_t n[FAULT_COUNTER_CNT];
  trace_init(&r, TR_FAULT, s);
  r.tsc = start;
  r.va = f->addr;
  r.flags = (uint8_t)(f->write | f->user << 1 | f->not_present << 2 | (proc == NULL) << 3);
  r.a = (unsigned)res;
  r.b = trace_frame_no(res == VM_FAULT_HANDLED ? mmu_lookup_page(s->pml4, (void *)f->addr) : NULL);
  for (unsigned i = 0; i < FAULT_COUNTER_CNT; i++)
    n[i] = (uint32_t)(proc != NULL ? proc->n[fault_counters[i]] : vm_stats[fault_counters[i]]);
  trace_emit(&r, n, sizeof n);
}

void vm_trace_evict(const struct frame *f, int kind)
{
  for (const struct page *p = f->rmap; p != NULL; p = p->rmap_next) {
    struct trace_rec r;
    trace_init(&r, TR_EVICT, p->space);
    r.va = p->va;
    r.a = (uint32_t)kind | (p->slot & 0xFFFFFF) << 8;
    r.b = trace_frame_no(frame_kva(f));
    r.flags = p == f->rmap; /* the first page of its frame: one eviction */
    trace_emit(&r, NULL, 0);
  }
}

void vm_trace_swap(bool out, uint32_t slot, const void *kva)
{
  struct trace_rec r;
  trace_init(&r, out ? TR_SWAP_OUT : TR_SWAP_IN, NULL);
  r.a = slot;
  r.b = trace_frame_no(kva);
  trace_emit(&r, NULL, 0);
}

void vm_trace_fork(int parent_tid, const struct vm_space *ps, int child_tid,
                   const struct vm_space *cs)
{
  struct trace_rec r;
  trace_init(&r, TR_FORK, ps);
  r.tid = (uint16_t)parent_tid;
  r.a = (uint32_t)child_tid;
  r.b = (uint32_t)(uintptr_t)cs;
  r.flags = (uint8_t)vm_fork_mode;
  trace_emit(&r, NULL, 0);
}

void vm_trace_exec(const struct vm_space *s, const char *name)
{
  struct trace_rec r;
  trace_init(&r, TR_EXEC, s);
  char n[16] = {0};
  strlcpy(n, name, sizeof n);
  memcpy(&r.va, n, 8);
  memcpy(&r.a, n + 8, 4);
  memcpy(&r.b, n + 12, 4);
  trace_emit(&r, NULL, 0);
}

void vm_trace_destroy(const struct vm_space *s)
{
  struct trace_rec r;
  trace_init(&r, TR_DESTROY, s);
  trace_emit(&r, NULL, 0);
}

void vm_trace_exit(const struct vm_space *s, int status)
{
  struct trace_rec r;
  trace_init(&r, TR_EXIT, s);
  r.a = (uint32_t)status;
  trace_emit(&r, NULL, 0);
}

void vm_trace_range(const struct vm_space *s, enum vm_trace_range what, uint64_t start,
                    uint64_t len, uint64_t filesz, bool writable)
{
  static const enum trace_type types[] = {[VM_TRACE_SEGMENT] = TR_SEGMENT,
                                          [VM_TRACE_STACK] = TR_STACK,
                                          [VM_TRACE_MMAP] = TR_MMAP,
                                          [VM_TRACE_MUNMAP] = TR_MUNMAP};
  struct trace_rec r;
  trace_init(&r, types[what], s);
  r.va = start;
  r.a = (uint32_t)len;
  r.b = (uint32_t)filesz;
  r.flags = writable;
  trace_emit(&r, NULL, 0);
}
