#ifndef VM_TRACE_H
#define VM_TRACE_H

/* The VM trace: one event per fault, eviction, swap slot transfer, fork, exec, exit, mmap,
   munmap and address-space range, captured outside the guest. Each hook runs the same few
   instructions whether the trace is on or off: it loads the event into registers and
   executes Bochs's magic breakpoint, `xchg %bx,%bx`, which the CPU treats as an exchange of
   a register with itself (no operation). With the trace on, the harness runs Bochs with
   `magic_break: enabled=1`: Bochs's debugger stops after that instruction, the harness reads
   the registers, the memory they point at and the emulated time, and continues; the guest's
   instruction stream, and so its console and statistics, stay the same as with the trace
   off. harness/trace.py documents the registers of each event and builds the records.

   Hooks are one line each (VM_TRACE(call)), so they can move with the code they watch.
   Building the kernel with -DVM_TRACE_OFF compiles them out (to measure what they cost). */

#include <stdbool.h>
#include <stdint.h>
#include "vm/vm.h"

#if defined(HOST_TEST) || defined(VM_TRACE_OFF)
#define VM_TRACE(call) ((void)0)
#else
#define VM_TRACE(call) call
#endif

/* Event types: the low byte of %rax at the breakpoint (harness/trace.py TYPES). */
enum vm_trace_event {
  VM_TRACE_EV_START = 1,
  VM_TRACE_EV_FAULT,
  VM_TRACE_EV_EVICT,
  VM_TRACE_EV_SWAP_OUT,
  VM_TRACE_EV_SWAP_IN,
  VM_TRACE_EV_FORK,
  VM_TRACE_EV_EXEC,
  VM_TRACE_EV_EXIT,
  VM_TRACE_EV_SEGMENT,
  VM_TRACE_EV_STACK,
  VM_TRACE_EV_MMAP,
  VM_TRACE_EV_MUNMAP,
  VM_TRACE_EV_DESTROY,
};

/* The breakpoint with the event in registers: %rax TYPE, %rdi A, %rsi B, %rcx C, %rdx MEM
   (memory the harness reads: fault counters, a process name), %r8 XLATE (an address whose
   frame the harness looks up in the current page tables). The "memory" clobber makes the
   counters MEM points at stored before the breakpoint. */
static inline void vm_trace_event(uint64_t type, uint64_t a, uint64_t b, uint64_t c,
                                  const void *mem, uint64_t xlate)
{
  register uint64_t r8 __asm__("r8") = xlate;
  __asm__ volatile("xchg %%bx, %%bx" ::"a"(type), "D"(a), "S"(b), "c"(c), "d"(mem), "r"(r8)
                   : "memory");
}

extern uint64_t vm_stats[];

/* Fault F in S, begun at TSC START, ended with R; PROC: the process's counters (NULL: the
   kernel's own fault, counted in vm_stats). The harness takes the fault's kind and cost from
   the counters that moved since the thread's previous fault. */
static inline void vm_trace_fault(struct vm_space *s, const struct vm_fault *f,
                                  const struct vm_counters *proc, enum vm_fault_result r,
                                  uint64_t start)
{
  uint64_t flags = f->write | f->user << 1 | f->not_present << 2 | (proc == NULL) << 3;
  vm_trace_event(VM_TRACE_EV_FAULT | (uint64_t)r << 8 | flags << 16, (uintptr_t)s, start, 0,
                 proc != NULL ? (const void *)proc : (const void *)vm_stats, f->addr);
}

/* Swap slot SLOT written from (OUT) or read into the frame at KVA. */
static inline void vm_trace_swap(bool out, uint32_t slot, const void *kva)
{
  vm_trace_event(out ? VM_TRACE_EV_SWAP_OUT : VM_TRACE_EV_SWAP_IN, slot, 0, 0, 0, (uintptr_t)kva);
}

struct frame;

/* The start event: frame-table size, user-pool size. Once, after vm_init. */
void vm_trace_start(void);
/* Frame F was just emptied by eviction (KIND: enum evict_kind): one event per page on its
   reverse map (still attached). */
void vm_trace_evict(const struct frame *f, int kind);
/* Process PARENT_TID (space PS) forked CHILD_TID with space CS. */
void vm_trace_fork(int parent_tid, const struct vm_space *ps, int child_tid,
                   const struct vm_space *cs);
/* The current thread loaded NAME into S (its ranges were traced as they were added). */
void vm_trace_exec(const struct vm_space *s, const char *name);
/* Space S is being destroyed (exit, exec replacing it, a failed load or fork). */
void vm_trace_destroy(const struct vm_space *s);
/* The current process exits with STATUS; S is its space. */
void vm_trace_exit(const struct vm_space *s, int status);
/* Range [START, START + LEN) of S: an ELF segment (FILESZ bytes from the file, WRITABLE),
   the stack reservation, an mmap (MAPPED) or an munmap. */
enum vm_trace_range { VM_TRACE_SEGMENT, VM_TRACE_STACK, VM_TRACE_MMAP, VM_TRACE_MUNMAP };
void vm_trace_range(const struct vm_space *s, enum vm_trace_range what, uint64_t start,
                    uint64_t len, uint64_t filesz, bool writable);

#endif
