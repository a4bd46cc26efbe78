#ifndef VM_TRACE_RING_H
#define VM_TRACE_RING_H

/* PRIVATE to src/vm. The VM trace's ring (trace.c) and the hooks of the frequent events,
   inline: a fault and an eviction write their records' fields straight into the ring's next
   slot (a swap-in is part of its fault's record, a swap-out a flag on its eviction's), with
   interrupts off for those few stores. Only a full ring leaves this path (vm_trace_slot_full: the
   magic breakpoint, trace.h). Record layout: trace.c. */

#include <stdbool.h>
#include <stdint.h>
#include "threads/io.h"
#include "threads/thread.h"
#include "vm/frame.h"
#include "vm/page.h"
#include "vm/space.h"
#include "vm/swap.h"
#include "vm/vm.h"

enum vm_trace_type {
  TR_START = 1,
  TR_FAULT,
  TR_EVICT,
  TR_SWAP_OUT, /* not written by the kernel: harness/trace.py makes these two from the */
  TR_SWAP_IN,  /* eviction and fault records */
  TR_FORK,
  TR_EXEC,
  TR_EXIT,
  TR_SEGMENT,
  TR_STACK,
  TR_MMAP,
  TR_MUNMAP,
  TR_DESTROY,
  TR_FRAMES,
};

struct vm_trace_rec {
  uint8_t type, flags;
  uint16_t tid;
  uint32_t space;
  uint64_t tsc, va;
  uint32_t a, b;
  uint32_t frames, swap;
};

_Static_assert(sizeof(struct vm_trace_rec) == 40, "trace record layout");
_Static_assert(VM_PROC_CNT <= 13, "a fault record's moved counters fit below its slot");

/* The free slots of the ring: NEXT up to END. Before the ring exists both name a one-record
   scratch slot, so that a hook needs no test of its own for that. WROTE: the eviction in
   progress wrote its frame to swap (set by vm_trace_swap_out, taken by vm_trace_evict;
   evictions run one at a time, under frame_lock). */
struct vm_trace_ring {
  struct vm_trace_rec *next, *end;
  bool wrote;
};
extern struct vm_trace_ring vm_trace_ring;

/* Needs: interrupts off, the ring full (NEXT at END). Hands the ring to the harness (the
   magic breakpoint), empties it and returns its first slot (the scratch slot before
   vm_trace_start). */
struct vm_trace_rec *vm_trace_slot_full(void);

/* Saves RFLAGS and disables interrupts: pushf/cli, restored by popf (SDM vol. 2, PUSHF,
   POPF: at CPL 0 POPF restores IF). */
static inline uint64_t trace_intr_save(void)
{
  uint64_t flags;
  __asm__ volatile("pushfq; popq %0; cli" : "=r"(flags)::"memory");
  return flags;
}

static inline void trace_intr_restore(uint64_t flags)
{
  __asm__ volatile("pushq %0; popfq" ::"r"(flags) : "memory", "cc");
}

/* Needs: interrupts off. The next slot of the ring, taken; the caller fills every field
   (FRAMES and SWAP by trace_counts). */
static inline struct vm_trace_rec *trace_slot(void)
{
  struct vm_trace_rec *r = vm_trace_ring.next;
  if (__builtin_expect(r >= vm_trace_ring.end, 0))
    r = vm_trace_slot_full();
  vm_trace_ring.next = r + 1;
  return r;
}

/* The user frames and swap slots in use now, into R. */
static inline void trace_counts(struct vm_trace_rec *r)
{
  r->frames = (uint32_t)frames_in_use;
  r->swap = (uint32_t)*swap_used_cnt;
}

/* A frame as the trace names it: the low half of its struct frame's address (the decoder
   turns it into a physical frame number with the TR_FRAMES record), or UINT32_MAX. */
static inline uint32_t trace_frame_ref(const struct frame *f)
{
  return f != NULL ? (uint32_t)(uintptr_t)f : UINT32_MAX;
}

/* Fault F of thread TID in S, begun at TSC START, ended with RES; PROC's MOVED bits are the
   counters it moved and S's TRACE_SWAPIN the slot it read (both read and cleared here);
   FRAME is the frame mapped at its address after it (NULL if none). */
static inline void vm_trace_fault(struct vm_space *s, const struct vm_fault *f, int tid,
                                  struct vm_counters *proc, enum vm_fault_result res,
                                  const struct frame *frame, uint64_t start)
{
  uint32_t moved = 0;
  if (proc != NULL) {
    moved = proc->moved;
    proc->moved = 0;
  }
  uint32_t swapin = s->trace_swapin;
  s->trace_swapin = 0;
  uint64_t fl = trace_intr_save();
  struct vm_trace_rec *r = trace_slot();
  r->type = TR_FAULT;
  r->flags =
      (uint8_t)(f->write | f->user << 1 | f->not_present << 2 | res << 3 | (swapin != 0) << 5);
  r->tid = (uint16_t)tid;
  r->space = (uint32_t)(uintptr_t)s;
  r->tsc = start;
  r->va = f->addr;
  r->a = moved | swapin << 13; /* slot + 1: its low 19 bits */
  r->b = trace_frame_ref(frame);
  trace_counts(r);
  trace_intr_restore(fl);
}

/* Frame F was just emptied by eviction (KIND: enum evict_kind): one record per page on its
   reverse map (still attached). */
static inline void vm_trace_evict(const struct frame *f, int kind)
{
  uint64_t fl = trace_intr_save();
  int tid = thread_current()->tid;
  uint64_t now = rdtsc();
  uint32_t ref = trace_frame_ref(f);
  /* The first page of its frame: one eviction; with the swap write if there was one. */
  uint8_t first = (uint8_t)(1 | vm_trace_ring.wrote << 1);
  vm_trace_ring.wrote = false;
  for (const struct page *p = f->rmap; p != NULL; p = p->rmap_next) {
    struct vm_trace_rec *r = trace_slot();
    r->type = TR_EVICT;
    r->flags = p == f->rmap ? first : 0;
    r->tid = (uint16_t)tid;
    r->space = (uint32_t)(uintptr_t)p->space;
    r->tsc = now;
    r->va = p->va;
    r->a = (uint32_t)kind | (p->slot & 0xFFFFFF) << 8;
    r->b = ref;
    trace_counts(r);
  }
  trace_intr_restore(fl);
}

/* The eviction in progress wrote its frame to a new swap slot: no record of its own, a
   flag on the eviction's record (vm_trace_evict), which has the slot and the frame. */
static inline void vm_trace_swap_out(void) { vm_trace_ring.wrote = true; }

/* PAGE's swap slot was read into its new frame, for its space's fault in progress: no
   record of its own, the slot goes into that fault's record (vm_trace_fault). Swap-ins
   happen only there (anon_fill, by page_claim_in for fault_bring_in). */
static inline void vm_trace_swap_in(const struct page *page)
{
  page->space->trace_swapin = page->slot + 1;
}

#endif
