/* The VM trace (trace.h): 40-byte little-endian records on LPT1 (a fault record is
   followed by 11 u32 counters). Layout, shared with harness/trace.py:

     0 u8 type   1 u8 flags   2 u16 tid   4 u32 space (low half of its address)
     8 u64 tsc  16 u64 va    24 u32 a    28 u32 b
    32 u32 user-pool pages in use   36 u32 swap slots in use

   Each record is written with interrupts off, so records of different threads never
   interleave. The parallel port takes a byte per strobe pulse and has no transmit time
   (Bochs and QEMU write it to their file at once), so a record costs about 130
   instructions: no waiting. */

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

bool vm_trace_enabled;

/* LPT1 (IBM PC parallel port): data register, control register (bit 0 strobe, bit 2
   not-initialise, bit 3 select). */
#define LPT_DATA 0x378
#define LPT_CTRL 0x37A

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

/* Strobes the bytes of BUF out of LPT1. */
static void trace_out(const void *buf, unsigned len)
{
  const uint8_t *b = buf;
  for (unsigned i = 0; i < len; i++) {
    outb(LPT_DATA, b[i]);
    outb(LPT_CTRL, 0x0D);
    outb(LPT_CTRL, 0x0C);
  }
}

/* Writes R and then its LEN bytes of EXTRA (a fault's counters) with interrupts off. */
static void trace_emit(struct trace_rec *r, const void *extra, unsigned len)
{
  struct palloc_usage u;
  palloc_get_usage(&u);
  r->frames = (uint32_t)u.user_used;
  r->swap = (uint32_t)swap_used();
  enum intr_level old = intr_disable();
  trace_out(r, sizeof *r);
  trace_out(extra, len);
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
  outb(LPT_CTRL, 0x0C);
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
