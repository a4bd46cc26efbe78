/* The VM trace's out-of-line hooks (trace.h): the rare events, each one breakpoint with its
   fields in registers (vm_trace_event). Nothing here depends on whether the trace is on:
   the guest cannot tell, so it runs the same instructions either way. */

#include "vm/trace.h"
#include "threads/palloc.h"
#include "vm/fork.h"
#include "vm/frame.h"
#include "vm/page.h"

void vm_trace_start(void)
{
  struct palloc_usage u;
  palloc_get_usage(&u);
  vm_trace_event(VM_TRACE_EV_START, frame_table_size(), u.user_total, 0, 0, 0);
}

void vm_trace_evict(const struct frame *f, int kind)
{
  for (const struct page *p = f->rmap; p != NULL; p = p->rmap_next)
    vm_trace_event(VM_TRACE_EV_EVICT | (uint64_t)kind << 8 | (uint64_t)(p == f->rmap) << 16,
                   (uintptr_t)p->space, p->va, p->slot, 0, (uintptr_t)frame_kva(f));
}

void vm_trace_fork(int parent_tid, const struct vm_space *ps, int child_tid,
                   const struct vm_space *cs)
{
  vm_trace_event(VM_TRACE_EV_FORK | (uint64_t)vm_fork_mode << 16, (uint64_t)parent_tid,
                 (uintptr_t)ps, (uint64_t)child_tid, cs, 0);
}

void vm_trace_exec(const struct vm_space *s, const char *name)
{
  vm_trace_event(VM_TRACE_EV_EXEC, (uintptr_t)s, 0, 0, name, 0);
}

void vm_trace_destroy(const struct vm_space *s)
{
  vm_trace_event(VM_TRACE_EV_DESTROY, (uintptr_t)s, 0, 0, 0, 0);
}

void vm_trace_exit(const struct vm_space *s, int status)
{
  vm_trace_event(VM_TRACE_EV_EXIT, (uintptr_t)s, (uint32_t)status, 0, 0, 0);
}

void vm_trace_range(const struct vm_space *s, enum vm_trace_range what, uint64_t start,
                    uint64_t len, uint64_t filesz, bool writable)
{
  vm_trace_event((VM_TRACE_EV_SEGMENT + what) | (uint64_t)writable << 16, (uintptr_t)s, start, len,
                 (const void *)(uintptr_t)filesz, 0);
}
