/* Fork: the child's address space as a copy of the parent's (vm_space_copy in space.c
   chooses the way). Ranges are always copied (through their copy operation: a mapping
   gets its own handle on the file). Pages go one of three ways (-fork=NAME):
   - eager: every resident page is copied at once (page_claim);
   - share: each page record is copied at once; a resident page whose type is shareable is
     shared copy-on-write (both sides map the frame read-only, the first write faults:
     fault.c, fault_wp; page.c gives the frames, one call per batch of records:
     page_claim_shared_n), other resident pages (mappings) are copied;
   - lazy (inherit.c, inherit_fork, with fork_copy_ranges from here): no page is touched.
     The parent (the origin) is write-protected in bulk and the child (an heir) takes each
     page it inherited on its first touch of it, by the same per-page copy as share
     (fork_copy_page). Before the origin changes a page its heirs have not
     all taken (a write, munmap, exit), it gives them their copies first (inherit_push).
     Inherited pages are told from later ones by generation: a record made after the fork
     (born at or after the heir's origin_gen) or a range the heir made itself is not
     inherited.
   The default, cow, shares processes of up to FORK_LAZY_PAGES page records and forks larger
   ones lazily: a lazily inherited page costs the child a fault when it touches it, dearer
   than a page shared at fork, which pays off when the child touches a small part of a
   large parent, the case of fork then exec (`make bench` prints the figures). */

#include "lib/string.h"
#include "threads/malloc.h"
#include "threads/mmu.h"
#include "threads/vaddr.h"
#include "vm/fork.h"
#include "vm/frame.h"
#include "vm/page.h"
#include "vm/range.h"
#include "vm/space.h"
#include "vm/spt.h"
#include "vm/stats.h"
#include "vm/swap.h"

#define FORK_LAZY_PAGES 256

enum vm_fork_mode vm_fork_mode;

bool vm_fork_mode_parse(const char *name, enum vm_fork_mode *mode)
{
  static const char *const names[] = {[VM_FORK_COW] = "cow",
                                      [VM_FORK_EAGER] = "eager",
                                      [VM_FORK_SHARE] = "share",
                                      [VM_FORK_LAZY] = "lazy"};
  for (unsigned i = 0; i < sizeof names / sizeof *names; i++)
    if (!strcmp(name, names[i])) {
      *mode = (enum vm_fork_mode)i;
      return true;
    }
  return false;
}

bool fork_copy_ranges(struct vm_space *dst, const struct vm_space *src, bool inherited)
{
  for (const struct vm_range *r = range_next(&src->ranges, NULL); r != NULL;
       r = range_next(&src->ranges, r)) {
    struct vm_range *nr = malloc(sizeof *nr);
    if (nr == NULL)
      return false;
    *nr = *r;
    nr->inherited = inherited;
    if (r->ops->copy != NULL && !r->ops->copy(nr, r)) {
      free(nr);
      return false;
    }
    range_insert(&dst->ranges, nr);
  }
  return true;
}

/* Gives NP (DST's record of SP, not resident) a frame as GIVE says: SP's, shared
   copy-on-write, when SHARE, else a copy of its contents, dirty if SP's is (a copy made for
   a write leaves that to the write). For a fault's take (FORK_GIVE_READ, _WRITE) the page
   is mapped as used and a frame is never waited for (VM_FAULT_BUSY). */
static enum vm_fault_result fork_give_frame(struct vm_space *dst, struct page *np, struct page *sp,
                                            bool share, enum fork_give give)
{
  bool fault = give == FORK_GIVE_READ || give == FORK_GIVE_WRITE;
  struct vm_space *src = sp->space;
  struct frame *f = sp->frame;
  if (share)
    return page_claim_shared(np, sp, fault) ? VM_FAULT_HANDLED : VM_FAULT_OOM;
  bool dirty = give != FORK_GIVE_WRITE && mmu_is_dirty(src->pml4, (void *)sp->va);
  enum vm_fault_result res = page_claim_copy(np, f, !fault);
  if (res != VM_FAULT_HANDLED)
    return res;
  vm_pages_touched++;
  if (dirty)
    mmu_set_dirty(dst->pml4, (void *)np->va, true);
  return res;
}

/* A record of SP for DST (same address, SP's type data, in DST's table, not resident) in
   R; NULL if out of memory. */
static inline struct page *fork_new_record(struct vm_space *dst, const struct vm_range *r,
                                           const struct page *sp)
{
  struct page *np = malloc(sizeof *np);
  if (np == NULL)
    return NULL;
  *np = (struct page){.va = sp->va,
                      .ops = sp->ops,
                      .space = dst,
                      .range = r,
                      .born = dst->fork_gen,
                      .pushed = dst->fork_gen,
                      .writable = sp->writable,
                      .touched = true,
                      .slot = SWAP_NONE};
  sp->ops->copy(np, sp);
  spt_insert(&dst->spt, np);
  return np;
}

/* Undoes fork_new_record: NP has been given no frame. */
static void fork_drop_record(struct page *np)
{
  np->ops->destroy(np, NULL, false);
  page_forget(np);
}

enum vm_fault_result fork_copy_page(struct vm_space *dst, const struct vm_range *r, struct page *sp,
                                    enum fork_give give, struct page **new, bool *copied)
{
  struct page *np = fork_new_record(dst, r, sp);
  if (np == NULL)
    return VM_FAULT_OOM;
  bool share = sp->ops->shareable && vm_fork_mode != VM_FORK_EAGER && give != FORK_GIVE_WRITE;
  bool resident = sp->frame != NULL && !(give == FORK_GIVE_SLOT && np->slot != SWAP_NONE);
  if (copied != NULL)
    *copied = resident && !share;
  enum vm_fault_result res =
      resident ? fork_give_frame(dst, np, sp, share, give) : VM_FAULT_HANDLED;
  if (res != VM_FAULT_HANDLED) {
    fork_drop_record(np);
    return res;
  }
  if (new != NULL)
    *new = np;
  return res;
}

/* Records whose frames fork_copy_space shares with one call to page.c per batch. */
#define FORK_BATCH 16

struct fork_ctx {
  struct vm_space *dst;
  struct vm_counters *proc;     /* counts frames copied; NULL: not counted */
  fork_owed_fn *owed;           /* NULL: every page is copied; else only the pages it says */
  const struct vm_range *range; /* the child's range of the last page copied */
  bool share;                   /* resident pages of shareable types share their frames */
  size_t waiting;               /* records in NEW that wait for the frame of OLD's page */
  struct page *new[FORK_BATCH], *old[FORK_BATCH];
};

/* Gives the waiting records the frames of their parent's pages (page_claim_shared_n). False
   if out of memory: the record that could not share and those after it are dropped. */
static bool fork_share_waiting(struct fork_ctx *c)
{
  size_t done = page_claim_shared_n(c->new, c->old, c->waiting);
  bool ok = done == c->waiting;
  for (size_t i = done; i < c->waiting; i++)
    fork_drop_record(c->new[i]);
  c->waiting = 0;
  return ok;
}

/* Copies page SP of the parent into the child's range R. A resident page whose frame is
   shared waits in C's batch; any other copy of a frame first empties the batch, since
   getting a frame may evict the frame of a page that waits there. Inlined into both
   callers: a call per page shows in the cost of a fork. */
static inline __attribute__((always_inline)) bool
fork_copy_in(struct fork_ctx *c, const struct vm_range *r, struct page *sp)
{
  if (c->share && sp->frame != NULL && sp->ops->shareable) {
    struct page *np = fork_new_record(c->dst, r, sp);
    if (np == NULL)
      return false;
    c->new[c->waiting] = np;
    c->old[c->waiting] = sp;
    return ++c->waiting < FORK_BATCH || fork_share_waiting(c);
  }
  bool copied;
  if ((c->waiting > 0 && sp->frame != NULL && !fork_share_waiting(c)) ||
      fork_copy_page(c->dst, r, sp, FORK_GIVE_SHARE, NULL, &copied) != VM_FAULT_HANDLED)
    return false;
  if (copied && c->proc != NULL)
    vm_count(c->proc, VM_FORK_COPIED);
  return true;
}

/* fork_copy_in for every page of the parent at fork (spt_each callback). */
static bool fork_copy_each(struct page *sp, void *aux)
{
  struct fork_ctx *c = aux;
  const struct vm_range *r = c->range;
  if (r == NULL || sp->va < r->start || sp->va >= r->end)
    c->range = r = range_find_meeting(&c->dst->ranges, sp->va, sp->va + 1);
  return r != NULL && fork_copy_in(c, r, sp);
}

/* fork_copy_in for the pages C's owed callback names (spt_each callback). */
static bool fork_copy_each_owed(struct page *sp, void *aux)
{
  struct fork_ctx *c = aux;
  const struct vm_range *r;
  return !c->owed(c->dst, sp, &r) || fork_copy_in(c, r, sp);
}

bool fork_copy_space(struct vm_space *dst, struct vm_space *src, struct vm_counters *proc)
{
  struct fork_ctx c = {.dst = dst, .proc = proc, .share = vm_fork_mode != VM_FORK_EAGER};
  spt_reserve(&dst->spt, src->spt.page_cnt);
  bool ok = fork_copy_ranges(dst, src, false) && spt_each(&src->spt, fork_copy_each, &c);
  return (c.waiting == 0 || fork_share_waiting(&c)) && ok;
}

bool fork_copy_owed(struct vm_space *dst, struct vm_space *src, fork_owed_fn *owed)
{
  struct fork_ctx c = {.dst = dst, .owed = owed, .share = vm_fork_mode != VM_FORK_EAGER};
  bool ok = spt_each(&src->spt, fork_copy_each_owed, &c);
  return (c.waiting == 0 || fork_share_waiting(&c)) && ok;
}

bool fork_is_lazy(const struct vm_space *src)
{
  return vm_fork_mode == VM_FORK_LAZY ||
         (vm_fork_mode == VM_FORK_COW && src->spt.page_cnt > FORK_LAZY_PAGES);
}
