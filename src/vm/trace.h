#ifndef VM_TRACE_H
#define VM_TRACE_H

/* The VM trace: one binary record per VM event (fault, eviction, swap slot transfer, fork,
   exec, exit, mmap, munmap, address-space ranges, space destruction), written by the kernel
   into an in-kernel ring (trace.c), always: the kernel has no trace switch, so it runs the
   same instructions whether the harness keeps the trace or not. When the ring is full, and
   once at power-off (vm_trace_flush), the kernel executes Bochs's magic breakpoint,
   `xchg %bx,%bx`, with the ring's address in %rdi and its valid length in %rsi, then
   empties the ring. The CPU treats the instruction as no operation (QEMU too: the ring just
   wraps there). The harness runs Bochs with `magic_break: enabled=1` in every run, so a run
   stops at the same few points with the trace on or off; with the trace on it dumps the
   ring at each stop (writemem) and concatenates the dumps (harness/trace.py, which documents
   the record layout).

   Hooks are one line each (VM_TRACE(call)), so they can move with the code they watch. The
   frequent ones (fault, eviction, swap-in, swap-out) are inline and write their record straight
   into the ring (trace_ring.h, private to src/vm); the others are calls into trace.c. Building the
   kernel with -DVM_TRACE_OFF compiles them all out (`make notrace`: make bench measures what they
   cost against it). */

#include <stdbool.h>
#include <stdint.h>
#include "vm/vm.h"

#if defined(HOST_TEST) || defined(VM_TRACE_OFF)
#define VM_TRACE(call) ((void)0)
#else
#define VM_TRACE(call) call
#endif

struct frame;
struct vm_space;

/* The header record (frame-table size, user-pool size); allocates the ring. Once, after
   vm_init's frame table and swap are ready. */
void vm_trace_start(void);
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
   the stack reservation, an mmap or an munmap. */
enum vm_trace_range { VM_TRACE_SEGMENT, VM_TRACE_STACK, VM_TRACE_MMAP, VM_TRACE_MUNMAP };
void vm_trace_range(const struct vm_space *s, enum vm_trace_range what, uint64_t start,
                    uint64_t len, uint64_t filesz, bool writable);
/* Hands the ring's records to the harness (the magic breakpoint) and empties it. Called
   when a record would not fit and once before the power-off statistics. */
void vm_trace_flush(void);

#endif
