/* The VM trace (trace.h): 40-byte little-endian records in an in-kernel ring. Layout,
   shared with harness/trace.py (which says what each type puts in the fields):

     0 u8 type   1 u8 flags   2 u16 tid   4 u32 space (low half of its address)
     8 u64 tsc  16 u64 va    24 u32 a    28 u32 b
    32 u32 user frames in use   36 u32 swap slots in use

   The ring is RING_PAGES pages from the kernel pool (the user pool keeps its size): at byte
   4 a u32 count of record bytes, from byte 8 the records (aligned). A record is written
   with interrupts off, so records of different threads never interleave. The hooks fill a
   slot's fields in place (trace_ring.h for the frequent ones); a full ring is handed to the
   harness first (vm_trace_slot_full). No I/O, no waiting. The kernel does this whether or
   not the harness keeps the trace, so the guest runs the same instructions either way. */

#include "vm/trace.h"
#include "lib/string.h"
#include "threads/palloc.h"
#include "threads/thread.h"
#include "threads/vaddr.h"
#include "vm/fork.h"
#include "vm/frame.h"
#include "vm/page.h"
#include "vm/trace_ring.h"

#define RING_PAGES 16
#define RING_SIZE  (RING_PAGES * PGSIZE)
#define RING_RECS  ((RING_SIZE - 8) / sizeof(struct vm_trace_rec))

/* The ring: at byte 4 the u32 count the harness reads, from byte 8 the records. NULL before
   vm_trace_start; the hooks then write to SCRATCH (no event happens that early, but a hook
   needs no test for it). */
static uint8_t *ring;
static struct vm_trace_rec scratch;
struct vm_trace_ring vm_trace_ring = {&scratch, &scratch, false};

static struct vm_trace_rec *ring_first(void) { return (struct vm_trace_rec *)(ring + 8); }

/* The magic breakpoint with the ring's count and records in registers, then an empty ring.
   Interrupts off. */
static void trace_hand_over(void)
{
  uint32_t *used = (uint32_t *)(ring + 4);
  *used = (uint32_t)((uint8_t *)vm_trace_ring.next - (uint8_t *)ring_first());
  __asm__ volatile("xchg %%bx, %%bx" ::"D"(used), "S"((uint64_t)(*used + 4)) : "memory");
  vm_trace_ring.next = ring_first();
}

struct vm_trace_rec *vm_trace_slot_full(void)
{
  if (ring == NULL)
    return &scratch;
  trace_hand_over();
  return vm_trace_ring.next;
}

void vm_trace_flush(void)
{
  if (ring == NULL)
    return;
  uint64_t fl = trace_intr_save();
  trace_hand_over();
  trace_intr_restore(fl);
}

/* Needs: interrupts off. The next slot, its type, the current thread, S and the time filled
   in, the rest zero but for the frame and swap counts. */
static struct vm_trace_rec *trace_begin(enum vm_trace_type type, const struct vm_space *s)
{
  struct vm_trace_rec *r = trace_slot();
  memset(r, 0, sizeof *r);
  r->type = (uint8_t)type;
  r->tid = (uint16_t)thread_current()->tid;
  r->space = (uint32_t)(uintptr_t)s;
  r->tsc = rdtsc();
  trace_counts(r);
  return r;
}

void vm_trace_start(void)
{
  struct palloc_usage u;
  palloc_get_usage(&u);
  ring = palloc_get_multiple(PAL_ASSERT, RING_PAGES);
  uint64_t fl = trace_intr_save();
  vm_trace_ring.next = ring_first();
  vm_trace_ring.end = ring_first() + RING_RECS;
  struct vm_trace_rec *r = trace_begin(TR_START, NULL);
  memcpy(&r->va, "KVMTRACE", 8);
  r->a = (uint32_t)frame_table_size();
  r->b = (uint32_t)u.user_total;
  /* How a frame reference (trace_frame_ref) becomes a physical frame number: the table's
     address, the size of its entries, the frame of entry 0. */
  r = trace_begin(TR_FRAMES, NULL);
  const struct frame *f0 = frame_at(0);
  r->va = (uint64_t)(uintptr_t)f0;
  r->a = (uint32_t)sizeof *f0;
  r->b = (uint32_t)(vtop(frame_kva(f0)) >> 12);
  trace_intr_restore(fl);
}

void vm_trace_fork(int parent_tid, const struct vm_space *ps, int child_tid,
                   const struct vm_space *cs)
{
  uint64_t fl = trace_intr_save();
  struct vm_trace_rec *r = trace_begin(TR_FORK, ps);
  r->tid = (uint16_t)parent_tid;
  r->a = (uint32_t)child_tid;
  r->b = (uint32_t)(uintptr_t)cs;
  r->flags = (uint8_t)vm_fork_mode;
  trace_intr_restore(fl);
}

void vm_trace_exec(const struct vm_space *s, const char *name)
{
  char n[16] = {0};
  strlcpy(n, name, sizeof n);
  uint64_t fl = trace_intr_save();
  struct vm_trace_rec *r = trace_begin(TR_EXEC, s);
  memcpy(&r->va, n, 8);
  memcpy(&r->a, n + 8, 4);
  memcpy(&r->b, n + 12, 4);
  trace_intr_restore(fl);
}

void vm_trace_destroy(const struct vm_space *s)
{
  uint64_t fl = trace_intr_save();
  trace_begin(TR_DESTROY, s);
  trace_intr_restore(fl);
}

void vm_trace_exit(const struct vm_space *s, int status)
{
  uint64_t fl = trace_intr_save();
  trace_begin(TR_EXIT, s)->a = (uint32_t)status;
  trace_intr_restore(fl);
}

void vm_trace_range(const struct vm_space *s, enum vm_trace_range what, uint64_t start,
                    uint64_t len, uint64_t filesz, bool writable)
{
  static const enum vm_trace_type types[] = {[VM_TRACE_SEGMENT] = TR_SEGMENT,
                                             [VM_TRACE_STACK] = TR_STACK,
                                             [VM_TRACE_MMAP] = TR_MMAP,
                                             [VM_TRACE_MUNMAP] = TR_MUNMAP};
  uint64_t fl = trace_intr_save();
  struct vm_trace_rec *r = trace_begin(types[what], s);
  r->va = start;
  r->a = (uint32_t)len;
  r->b = (uint32_t)filesz;
  r->flags = writable;
  trace_intr_restore(fl);
}
