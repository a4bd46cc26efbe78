#ifndef VM_TRACE_H
#define VM_TRACE_H

/* The VM trace (kernel option -trace): one binary record per VM event (fault, eviction,
   swap slot traffic, fork, exec, exit, mmap, munmap, address-space ranges), written to the
   first parallel port (LPT1, I/O 0x378), a channel of its own: the console never sees it.
   Records are decoded by harness/trace.py, which documents their layout. Off by default;
   then each hook site costs one load and one not-taken branch (VM_TRACE). Hooks are one
   line each, so they can move with the code they watch. */

#include <stdbool.h>
#include <stdint.h>
#include "vm/vm.h"

extern bool vm_trace_enabled;

/* Runs CALL only when the trace is on (never in host unit tests: they have no LPT1). */
#ifdef HOST_TEST
#define VM_TRACE(call) ((void)0)
#else
#define VM_TRACE(call)                                                                             \
  do {                                                                                             \
    if (__builtin_expect(vm_trace_enabled, 0))                                                     \
      call;                                                                                        \
  } while (0)
#endif

struct page;
struct frame;
struct vm_space;

/* The header record: frame-table size, user-pool size. Once, after vm_init. */
void vm_trace_start(void);
/* Fault F in S, begun at TSC START, ended with R: one record with the frame mapped at its
   address now and PROC's fault counters after it (the global ones if PROC is NULL); the
   decoder takes the fault's kind and cost from what moved since the thread's previous
   fault record, so the fault path needs one hook only. */
void vm_trace_fault(struct vm_space *s, const struct vm_fault *f, const struct vm_counters *proc,
                    enum vm_fault_result r, uint64_t start);
/* Frame F was just emptied by eviction (KIND: enum evict_kind): one record per page on
   its reverse map (still attached). */
void vm_trace_evict(const struct frame *f, int kind);
/* Swap slot SLOT written from / read into the frame at KVA. */
void vm_trace_swap(bool out, uint32_t slot, const void *kva);
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
