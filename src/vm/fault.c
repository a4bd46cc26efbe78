/* The page-fault resolver: looks the page up (or the range that may create it), classifies
   the fault once and hands it to the handler of its kind, which counts it. Every frame a
   user page receives comes from page_claim: first touch, swap-in, the eager first stack
   page and fork copies. */

#include "lib/string.h"
#include "threads/io.h"
#include "threads/mmu.h"
#include "threads/thread.h"
#include "threads/vaddr.h"
#include "vm/vm_int.h"

uint64_t vm_pages_touched;

/* Needs: PAGE resident. Guarantees: PAGE mapped at its address, writable only if the user
   may write it and no other page shares the frame (copy-on-write). False if a page-table
   page could not be allocated. */
bool page_map(struct page *page)
{
  bool w = page->writable && page->frame->refs == 1;
  return mmu_map_page(page->space->pml4, (void *)page->va, frame_kva(page->frame), w);
}

/* Needs: PAGE not resident, its space's lock held. COPY_FROM: contents to copy (a fork of
   an unshared page), or NULL to have the page's type fill it. Guarantees: on
   VM_FAULT_HANDLED, PAGE owns a frame with its contents, mapped with its rights;
   VM_FAULT_INVALID if the backing store could not be read; VM_FAULT_OOM if no frame or
   page-table page could be had. Nothing leaks on failure. */
enum vm_fault_result page_claim(struct page *page, const void *copy_from)
{
  struct frame *f = frame_alloc();
  if (f == NULL)
    return VM_FAULT_OOM;
  void *kva = frame_kva(f);
  if (copy_from != NULL)
    memcpy(kva, copy_from, PGSIZE);
  else if (!page->ops->fill(page, kva)) {
    frame_unpin(f);
    return VM_FAULT_INVALID;
  }
  frame_attach(f, page);
  if (!page_map(page)) {
    frame_detach(f, page);
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

/* Handlers, one per kind. PAGE: the page (created for this fault if FRESH). Each counts
   its own kind; a failed first touch forgets the page it created. */
typedef enum vm_fault_result fault_handler(struct page *page, bool fresh, struct vm_counters *proc);

/* File, zero-fill, stack and swap-in faults: bring the page in. */
static enum vm_fault_result fault_bring_in(struct page *page, bool fresh, struct vm_counters *proc,
                                           enum vm_stat kind, enum vm_stat cost)
{
  enum vm_fault_result r = page_claim(page, NULL);
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

/* A write to a writable page mapped read-only because its frame is shared: the last
   owner takes the frame back; otherwise the writer gets a copy. */
static enum vm_fault_result fault_wp(struct page *p, bool fresh, struct vm_counters *proc)
{
  (void)fresh;
  struct frame *old = p->frame;
  vm_count(proc, VM_PF_WP);
  vm_count(proc, VM_PF_MINOR);
  if (old->refs == 1) {
    vm_count(proc, VM_PF_WP_REUSE);
    return page_map(p) ? VM_FAULT_HANDLED : VM_FAULT_OOM;
  }
  frame_pin(old);
  frame_detach(old, p);
  enum vm_fault_result r = page_claim(p, frame_kva(old));
  if (r == VM_FAULT_HANDLED) {
    vm_count(proc, VM_PF_WP_COPY);
    mmu_set_dirty(p->space->pml4, (void *)p->va, true);
  } else
    frame_attach(old, p);
  frame_unpin(old);
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
   about (created from its range when *FRESH; NULL only for invalid faults). */
static enum vm_stat fault_classify(struct vm_space *s, const struct vm_fault *f, struct page **page,
                                   bool *fresh)
{
  uint64_t va = f->addr & ~PGMASK;
  *fresh = false;
  *page = NULL;
  if (!is_user_vaddr((void *)f->addr) || f->addr < PGSIZE)
    return VM_PF_INVALID;
  struct page *p = spt_find(&s->spt, va);
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
  if (f->not_present)
    return p->frame == NULL ? p->ops->fault_kind(p) : VM_PF_INVALID;
  return p->frame != NULL && f->write ? VM_PF_WP : VM_PF_INVALID;
}

enum vm_fault_result vm_fault_resolve(struct vm_space *s, const struct vm_fault *f,
                                      struct vm_counters *proc)
{
  struct thread *t = thread_current();
  uint64_t start = rdtsc(), off_start = t->offcpu_cycles;
  lock_acquire(&s->lock);
  vm_count(proc, VM_PF_TOTAL);
  struct page *page;
  bool fresh;
  enum vm_stat kind = fault_classify(s, f, &page, &fresh);
  enum vm_fault_result r;
  if (page == NULL) {
    vm_count(proc, VM_PF_INVALID);
    r = VM_FAULT_INVALID;
  } else
    r = fault_handlers[kind](page, fresh, proc);
  lock_release(&s->lock);
  vm_fault_cycles += (rdtsc() - start) - (t->offcpu_cycles - off_start);
  return r;
}
