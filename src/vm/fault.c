/* The page-fault resolver: finds the page record (or makes it from the range that may
   create it), classifies the fault once and hands it to the handler of its kind, which
   counts it. Pages come in through page.c's claims. Lazy fork is a layer in front of this
   (inherit_fault): by the time a fault is dispatched, an inherited page is an ordinary
   record of the faulting space. */

#include "devices/timer.h"
#include "threads/io.h"
#include "threads/mmu.h"
#include "threads/thread.h"
#include "threads/vaddr.h"
#include "vm/frame.h"
#include "vm/frame_wait.h"
#include "vm/inherit.h"
#include "vm/page.h"
#include "vm/range.h"
#include "vm/space.h"
#include "vm/spt.h"
#include "vm/stats.h"
#include "vm/trace.h"
#include "vm/trace_ring.h"

/* Handlers, one per kind. PAGE: the page (NULL only for an invalid fault); a page not
   yet touched was made for this fault, and a failed first touch forgets it. Each counts
   its own kind. */
typedef enum vm_fault_result fault_handler(struct page *page, struct vm_counters *proc);

/* File, zero-fill, stack and swap-in faults: bring the page in, or map the frame that
   already holds it (the swap cache: a minor fault). */
static enum vm_fault_result fault_bring_in(struct page *page, struct vm_counters *proc,
                                           enum vm_stat kind, enum vm_stat cost)
{
  enum vm_fault_result r = page_claim_cached(page);
  if (r != VM_FAULT_INVALID) {
    if (r == VM_FAULT_HANDLED) {
      vm_count(proc, kind);
      vm_count(proc, VM_PF_MINOR);
    }
    return r;
  }
  bool fresh = !page->touched;
  r = page_claim_now(page, NULL);
  if (r == VM_FAULT_HANDLED) {
    vm_count(proc, kind);
    vm_count(proc, cost);
    return r;
  }
  if (r == VM_FAULT_INVALID)
    vm_count(proc, VM_PF_INVALID);
  if (fresh)
    page_forget(page);
  return r;
}

static enum vm_fault_result fault_file(struct page *p, struct vm_counters *proc)
{
  return fault_bring_in(p, proc, VM_PF_FILE, VM_PF_MAJOR);
}
static enum vm_fault_result fault_zero(struct page *p, struct vm_counters *proc)
{
  return fault_bring_in(p, proc, VM_PF_ZERO, VM_PF_MINOR);
}
static enum vm_fault_result fault_stack(struct page *p, struct vm_counters *proc)
{
  return fault_bring_in(p, proc, VM_PF_STACK, VM_PF_MINOR);
}
static enum vm_fault_result fault_swapin(struct page *p, struct vm_counters *proc)
{
  return fault_bring_in(p, proc, VM_PF_SWAPIN, VM_PF_MAJOR);
}

/* A write to a writable page mapped read-only because its frame is shared or a layer
   above holds it (page_will_change releases it first); then the last owner takes the
   frame back; otherwise the writer gets a copy (page_claim_copy, which keeps the evictor
   off the frame being copied). */
static enum vm_fault_result fault_wp(struct page *p, struct vm_counters *proc)
{
  page_will_change(p);
  struct frame *old = p->frame;
  bool sole = frame_take_sole(old);
  enum vm_fault_result r;
  if (sole)
    r = page_map(p) ? VM_FAULT_HANDLED : VM_FAULT_OOM;
  else
    r = page_claim_copy(p, old, false);
  if (r == VM_FAULT_HANDLED) {
    vm_count(proc, VM_PF_WP);
    vm_count(proc, VM_PF_MINOR);
    vm_count(proc, sole ? VM_PF_WP_REUSE : VM_PF_WP_COPY);
    if (!sole)
      mmu_set_dirty(p->space->pml4, (void *)p->va, true);
  }
  return r;
}

static enum vm_fault_result fault_invalid(struct page *p, struct vm_counters *proc)
{
  if (p != NULL && !p->touched)
    page_forget(p);
  vm_count(proc, VM_PF_INVALID);
  return VM_FAULT_INVALID;
}

/* The access is allowed by the page table as it is now: an eviction or a sharer changed
   the entry since the hardware saw it. Maps the page again if it is unmapped; counted in
   no kind. */
static enum vm_fault_result fault_stale(struct page *p, struct vm_counters *proc)
{
  (void)proc;
  if (mmu_lookup_page(p->space->pml4, (void *)p->va) == NULL && !page_map(p))
    return VM_FAULT_OOM;
  return VM_FAULT_HANDLED;
}

static fault_handler *const fault_handlers[] = {
    [FAULT_FILE] = fault_file,     [FAULT_ZERO] = fault_zero, [FAULT_STACK] = fault_stack,
    [FAULT_SWAPIN] = fault_swapin, [FAULT_WP] = fault_wp,     [FAULT_INVALID] = fault_invalid,
    [FAULT_STALE] = fault_stale,
};

/* Needs: S's lock held. The page fault F is about: S's record at its address, or a new
   one (not touched) when F is a not-present fault in a range that admits it; NULL if
   there is none (or no memory for one). */
static struct page *fault_page(struct vm_space *s, const struct vm_fault *f)
{
  uint64_t va = f->addr & ~PGMASK;
  if (!is_user_vaddr((void *)f->addr) || f->addr < PGSIZE)
    return NULL;
  struct page *p = spt_find(&s->spt, va);
  if (p != NULL || !f->not_present)
    return p;
  const struct vm_range *r = range_find_meeting(&s->ranges, va, va + 1);
  if (r == NULL || (r->ops->admit != NULL && !r->ops->admit(r, f)))
    return NULL;
  return page_create(s, va, r);
}

/* Needs: S's lock held; P fault_page's answer for F. How F is resolved. The hardware bits
   are read only to tell a write from a read: the handler ran with interrupts on, so the
   entry they describe may be gone (SDM vol. 3, 4.7: the error code reflects the entry at
   the time of the access). */
static enum fault_kind fault_classify(struct vm_space *s, const struct vm_fault *f,
                                      const struct page *p)
{
  if (p == NULL || (f->write && !p->writable))
    return FAULT_INVALID;
  if (p->frame == NULL)
    return p->ops->fault_kind(p);
  if (f->write && mmu_lookup_page(s->pml4, (void *)p->va) != NULL &&
      !mmu_is_writable(s->pml4, (void *)p->va))
    return FAULT_WP;
  return FAULT_STALE;
}

/* Needs: S's lock held. Resolves F by the handler of its kind; *PAGE: the page it was
   about (NULL if none). */
static enum vm_fault_result fault_dispatch(struct vm_space *s, const struct vm_fault *f,
                                           struct vm_counters *proc, struct page **page)
{
  struct page *p = fault_page(s, f);
  VM_TRACE(*page = p);
  return fault_handlers[fault_classify(s, f, p)](p, proc);
}

/* The frame mapped at F's address in S after a fault that ended with R, for the VM trace:
   PAGE's, when the ordinary path resolved it (the handler mapped the page's frame), else
   found in the page table (a lazy fork's take). */
static inline const struct frame *fault_frame(struct vm_space *s, const struct vm_fault *f,
                                              enum vm_fault_result r, const struct page *page)
{
  if (r != VM_FAULT_HANDLED)
    return NULL;
  if (page != NULL)
    return page->frame;
  void *kva = mmu_lookup_page(s->pml4, (void *)f->addr);
  return kva != NULL ? frame_of_kva(kva) : NULL;
}

/* Out-of-memory kills: the count, and the TSC cycles from the start of the allocation
   that failed to the victim's exit line (vm_oom_exit_line), summed and the longest. */
uint64_t vm_oom_kills, vm_oom_cycles, vm_oom_cycles_max;
static const struct thread *oom_thread;
static uint64_t oom_tsc;

void vm_oom_exit_line(void)
{
  if (oom_thread != thread_current())
    return;
  uint64_t c = rdtsc() - oom_tsc;
  oom_thread = NULL;
  vm_oom_kills++;
  vm_oom_cycles += c;
  if (c > vm_oom_cycles_max)
    vm_oom_cycles_max = c;
}

/* A busy answer (VM_FAULT_BUSY) means a frame is on its way back: another thread holds the
   lock of a space with an evictable frame, or a pin it will drop. The fault then waits for
   that, holding no lock, and tries again, as long as it takes: each wait ends when another
   thread finishes what it was doing. With nothing on its way back, the answer is
   VM_FAULT_OOM at once. */
enum vm_fault_result vm_fault_resolve(struct vm_space *s, const struct vm_fault *f,
                                      struct vm_counters *proc)
{
  struct thread *t = thread_current();
  uint64_t start = rdtsc(), off_start = t->offcpu_cycles, try_start = start;
  enum vm_fault_result r = VM_FAULT_BUSY;
  struct page *page = NULL;
  vm_count(proc, VM_PF_TOTAL);
  for (unsigned round = 0; r == VM_FAULT_BUSY; round++) {
    if (round > 0)
      frame_wait();
    try_start = rdtsc();
    struct vm_space *origin = space_lock(s);
    page = NULL;
    if (!inherit_fault(s, f, proc, &r))
      r = fault_dispatch(s, f, proc, &page);
    space_unlock(s, origin);
  }
  if (r == VM_FAULT_OOM) {
    oom_thread = t;
    oom_tsc = try_start;
  }
  vm_fault_cycles += (rdtsc() - start) - (t->offcpu_cycles - off_start);
  VM_TRACE(vm_trace_fault(s, f, t->tid, proc, r, fault_frame(s, f, r, page), start));
  return r;
}

/* An heir takes the page it inherited at UADDR first, so that parent and child report the
   same frame until one writes (ABI: int $0x42). Counted as no fault. Without locks when the
   answer cannot involve an origin: a page mapped in S now (an heir has its own record of a
   page it maps, so it has nothing to take), or S not an heir (a space gets its origin at
   fork only, before it runs, and later only loses it). Called by S's own thread, so S's
   page tables stay while it walks them. */
void *vm_space_frame(struct vm_space *s, const void *uaddr)
{
  void *mapped = mmu_lookup_page(s->pml4, uaddr);
  if (mapped != NULL || __atomic_load_n(&s->origin, __ATOMIC_ACQUIRE) == NULL)
    return mapped;
  struct vm_space *o = space_lock(s);
  uint64_t va = (uint64_t)uaddr & ~PGMASK;
  struct page *p;
  if (o != NULL && spt_find(&s->spt, va) == NULL)
    inherit_take(s, va, false, &p);
  void *kva = mmu_lookup_page(s->pml4, uaddr);
  space_unlock(s, o);
  return kva;
}
