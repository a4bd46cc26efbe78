/* The page-fault resolver: looks the page up (or the range that may create it), classifies
   the fault once and hands it to the handler of its kind, which counts it. Every frame a
   user page receives comes from page_claim: first touch, swap-in, the eager first stack
   page and fork copies. */

#include "devices/timer.h"
#include "lib/string.h"
#include "threads/io.h"
#include "threads/mmu.h"
#include "threads/thread.h"
#include "threads/vaddr.h"
#include "vm/trace.h"
#include "vm/vm_int.h"

uint64_t vm_pages_touched;

/* Needs: PAGE resident. Guarantees: PAGE mapped at its address, writable only if the user
   may write it, no other page shares the frame (copy-on-write) and no heir may still take
   it (lazy fork); a page made writable gives up the slot it may still hold (its copy in
   swap is about to go stale: anon.c). False if a page-table page could not be allocated. */
static bool page_map_as(struct page *page, bool used)
{
  bool w = page->writable && page->frame->refs == 1 && !frame_is_cached(page->frame) &&
           !page_pending(page);
  if (w && page->slot != SWAP_NONE) {
    swap_unref(page->slot);
    page->slot = SWAP_NONE;
  }
  void *upage = (void *)page->va, *kpage = frame_kva(page->frame);
  return used ? mmu_map_page_used(page->space->pml4, upage, kpage, w)
              : mmu_map_page(page->space->pml4, upage, kpage, w);
}

bool page_map(struct page *page) { return page_map_as(page, false); }

/* page_map with the accessed bit set: the access that faulted has not happened yet, so a
   clock sweep before it retries must not take the page straight back. */
static bool page_map_used(struct page *page) { return page_map_as(page, true); }

/* page_map for the page a fault of the current thread just filled: the accessed bit is left
   clear for the hardware to set when the access happens (SDM vol. 3, 4.8), the frame is
   primed (the policies see it as accessed, as with page_map_used) and fresh (frame.c: the
   thread's own faults do not take it back before that access). */
static bool page_map_fresh(struct page *page)
{
  frame_set_fresh(page->frame);
  return page_map_as(page, false);
}

/* Needs: its space's lock held; PAGE not resident, or on a shared frame it is to leave for
   a copy of it (a copy-on-write break: COPY_FROM is that frame, pinned by the caller).
   COPY_FROM: contents to copy, or NULL to have the page's type fill it. Guarantees: on
   VM_FAULT_HANDLED, PAGE owns a new frame with its contents, mapped with its rights;
   VM_FAULT_INVALID if the backing store could not be read; VM_FAULT_OOM if no frame or
   page-table page could be had; VM_FAULT_BUSY if !WAIT and waiting might give a frame.
   Nothing leaks on failure, and PAGE is as it was. A page leaving a shared frame stays on
   its reverse map until the copy is complete: while it is there the frame has another
   user besides the other sharers, so none of them can take it back writable and change
   it under the copy. */
static enum vm_fault_result page_claim_in(struct page *page, const void *copy_from, bool wait)
{
  struct frame *old = page->frame;
  bool busy = false;
  unsigned own_pins = copy_from != NULL ? 1 : 0; /* the caller pins the frame copied from */
  struct frame *f = wait ? frame_alloc(own_pins) : frame_try_alloc(own_pins, &busy);
  if (f == NULL)
    return busy ? VM_FAULT_BUSY : VM_FAULT_OOM;
  void *kva = frame_kva(f);
  if (copy_from != NULL)
    memcpy(kva, copy_from, PGSIZE);
  else if (!page->ops->fill(page, kva)) {
    frame_unpin(f);
    return VM_FAULT_INVALID;
  }
  if (old != NULL)
    frame_detach(old, page);
  frame_attach(f, page);
  if (!(wait ? page_map_used(page) : page_map_fresh(page))) {
    frame_detach(f, page);
    if (old != NULL)
      frame_attach(old, page);
    frame_unpin(f);
    return VM_FAULT_OOM;
  }
  frame_unpin(f);
  if (!page->touched) {
    page->touched = true;
    vm_pages_touched++;
  }
  return VM_FAULT_HANDLED;
}

enum vm_fault_result page_claim(struct page *page, const void *copy_from)
{
  return page_claim_in(page, copy_from, true);
}

enum vm_fault_result page_claim_now(struct page *page, const void *copy_from)
{
  return page_claim_in(page, copy_from, false);
}

/* Handlers, one per kind. PAGE: the page (created for this fault if FRESH). Each counts
   its own kind; a failed first touch forgets the page it created. */
typedef enum vm_fault_result fault_handler(struct page *page, bool fresh, struct vm_counters *proc);

/* File, zero-fill, stack and swap-in faults: bring the page in, or map the frame that
   already holds it (the swap cache: a minor fault). */
static enum vm_fault_result fault_bring_in(struct page *page, bool fresh, struct vm_counters *proc,
                                           enum vm_stat kind, enum vm_stat cost)
{
  struct frame *shared = page->ops->find_resident ? page->ops->find_resident(page) : NULL;
  if (shared != NULL) {
    if (!page_map(page))
      return VM_FAULT_OOM;
    vm_count(proc, kind);
    vm_count(proc, VM_PF_MINOR);
    return VM_FAULT_HANDLED;
  }
  enum vm_fault_result r = page_claim_now(page, NULL);
  if (r == VM_FAULT_HANDLED) {
    vm_count(proc, kind);
    vm_count(proc, cost);
    return r;
  }
  if (r == VM_FAULT_INVALID)
    vm_count(proc, VM_PF_INVALID);
  if (fresh)
    space_forget_page(page->space, page);
  return r;
}

static enum vm_fault_result fault_file(struct page *p, bool fresh, struct vm_counters *proc)
{
  return fault_bring_in(p, fresh, proc, VM_PF_FILE, VM_PF_MAJOR);
}
static enum vm_fault_result fault_zero(struct page *p, bool fresh, struct vm_counters *proc)
{
  return fault_bring_in(p, fresh, proc, VM_PF_ZERO, VM_PF_MINOR);
}
static enum vm_fault_result fault_stack(struct page *p, bool fresh, struct vm_counters *proc)
{
  return fault_bring_in(p, fresh, proc, VM_PF_STACK, VM_PF_MINOR);
}
static enum vm_fault_result fault_swapin(struct page *p, bool fresh, struct vm_counters *proc)
{
  return fault_bring_in(p, fresh, proc, VM_PF_SWAPIN, VM_PF_MAJOR);
}

/* A write to a writable page mapped read-only because its frame is shared or heirs may
   still take it: heirs get their copies first (fork_push); then the last owner takes the
   frame back; otherwise the writer gets a copy (page_claim_in; the pin keeps the evictor
   off the frame being copied). */
static enum vm_fault_result fault_wp(struct page *p, bool fresh, struct vm_counters *proc)
{
  (void)fresh;
  if (page_pending(p))
    fork_push(p);
  struct frame *old = p->frame;
  bool sole = frame_take_sole(old);
  enum vm_fault_result r;
  if (sole)
    r = page_map(p) ? VM_FAULT_HANDLED : VM_FAULT_OOM;
  else {
    frame_pin(old);
    r = page_claim_now(p, frame_kva(old));
    frame_unpin(old);
  }
  if (r == VM_FAULT_HANDLED) {
    vm_count(proc, VM_PF_WP);
    vm_count(proc, VM_PF_MINOR);
    vm_count(proc, sole ? VM_PF_WP_REUSE : VM_PF_WP_COPY);
    if (!sole)
      mmu_set_dirty(p->space->pml4, (void *)p->va, true);
  }
  return r;
}

static enum vm_fault_result fault_invalid(struct page *p, bool fresh, struct vm_counters *proc)
{
  if (fresh)
    space_forget_page(p->space, p);
  vm_count(proc, VM_PF_INVALID);
  return VM_FAULT_INVALID;
}

static fault_handler *const fault_handlers[VM_STAT_CNT] = {
    [VM_PF_FILE] = fault_file,     [VM_PF_ZERO] = fault_zero, [VM_PF_STACK] = fault_stack,
    [VM_PF_SWAPIN] = fault_swapin, [VM_PF_WP] = fault_wp,     [VM_PF_INVALID] = fault_invalid,
};

/* Needs: S's lock held. Guarantees: the kind of fault F, and in *PAGE the page it is
   about (created from its range when *FRESH; NULL only for invalid faults). *SETTLED:
   the page is resident and the access is allowed by the page table as it is now (the
   fault is stale: an eviction or a sharer changed the entry since the hardware saw it);
   the caller then only maps the page again if it is unmapped. The hardware bits are
   read only to tell a write from a read: the handler ran with interrupts on, so the
   entry they describe may be gone (SDM vol. 3, 4.7: the error code reflects the entry at
   the time of the access). TAKEN: how fault_take gave the page, if it did: the fault is
   then, when settled, of kind VM_PF_INHERIT, or VM_PF_WP_COPY for a write given its copy
   at once. */
static enum vm_stat fault_classify(struct vm_space *s, const struct vm_fault *f, struct page **page,
                                   bool *fresh, bool *settled, enum fork_take taken)
{
  uint64_t va = f->addr & ~PGMASK;
  *fresh = false;
  *settled = false;
  *page = NULL;
  if (!is_user_vaddr((void *)f->addr) || f->addr < PGSIZE)
    return VM_PF_INVALID;
  struct page *p = spt_find(&s->spt, va);
  if (taken == FORK_TAKE_COPIED && f->write && p->writable) {
    *page = p;
    *settled = true;
    return VM_PF_WP_COPY;
  }
  if (p == NULL && f->not_present) {
    const struct vm_range *r = space_find_range(s, va);
    if (r == NULL || (r->ops->admit != NULL && !r->ops->admit(r, f)))
      return VM_PF_INVALID;
    p = space_new_page(s, va, r);
    if (p == NULL)
      return VM_PF_INVALID;
    *fresh = true;
  }
  *page = p;
  if (p == NULL || (f->write && !p->writable))
    return VM_PF_INVALID;
  if (p->frame == NULL)
    return p->ops->fault_kind(p);
  if (f->write && mmu_lookup_page(s->pml4, (void *)va) != NULL &&
      !mmu_is_writable(s->pml4, (void *)va))
    return VM_PF_WP;
  *settled = true;
  return taken != FORK_TAKE_NONE ? VM_PF_INHERIT : VM_PF_TOTAL;
}

/* Needs: S's (and its origin's) lock held. An heir first takes the page it inherited at
   F's address, if any (fork_take). FORK_TAKE_FAILED also when S is lost: an inherited page
   could not be given to it, so every fault on a page it has no record of fails, as that
   page may be one it lost. */
static enum fork_take fault_take(struct vm_space *s, const struct vm_fault *f)
{
  uint64_t va = f->addr & ~PGMASK;
  struct page *p;
  if ((s->origin == NULL && !s->lost) || !is_user_vaddr((void *)f->addr) ||
      spt_find(&s->spt, va) != NULL)
    return FORK_TAKE_NONE;
  if (s->lost)
    return FORK_TAKE_FAILED;
  return fork_take(s, va, f->write, &p);
}

/* Needs: S's (and its origin's) lock held. Classifies F and resolves it by the handler of
   its kind, or, when the page table already allows the access, maps the page again if
   need be (counting a settled take as its kind). */
static enum vm_fault_result fault_dispatch(struct vm_space *s, const struct vm_fault *f,
                                           struct vm_counters *proc, enum fork_take taken)
{
  struct page *page;
  bool fresh, settled;
  enum vm_stat kind = fault_classify(s, f, &page, &fresh, &settled, taken);
  if (page == NULL) {
    vm_count(proc, VM_PF_INVALID);
    return VM_FAULT_INVALID;
  }
  if (!settled)
    return fault_handlers[kind](page, fresh, proc);
  if (mmu_lookup_page(s->pml4, (void *)page->va) == NULL && !page_map(page))
    return VM_FAULT_OOM;
  if (kind != VM_PF_TOTAL) {
    vm_count(proc, kind == VM_PF_WP_COPY ? VM_PF_WP : VM_PF_INHERIT);
    vm_count(proc, VM_PF_MINOR);
    if (kind == VM_PF_WP_COPY)
      vm_count(proc, VM_PF_WP_COPY);
  }
  return VM_FAULT_HANDLED;
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
  vm_count(proc, VM_PF_TOTAL);
  for (unsigned round = 0; r == VM_FAULT_BUSY; round++) {
    if (round > 0)
      frame_wait();
    try_start = rdtsc();
    struct vm_space *origin = space_lock(s);
    enum fork_take taken = fault_take(s, f);
    if (taken == FORK_TAKE_FAILED || taken == FORK_TAKE_BUSY)
      r = taken == FORK_TAKE_BUSY ? VM_FAULT_BUSY : VM_FAULT_OOM;
    else
      r = fault_dispatch(s, f, proc, taken);
    space_unlock(s, origin);
  }
  if (r == VM_FAULT_OOM) {
    oom_thread = t;
    oom_tsc = try_start;
  }
  vm_fault_cycles += (rdtsc() - start) - (t->offcpu_cycles - off_start);
  VM_TRACE(vm_trace_fault(s, f, proc, r, start));
  return r;
}
