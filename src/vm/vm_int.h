#ifndef VM_VM_INT_H
#define VM_VM_INT_H

/* PRIVATE to the files of src/vm (and the host unit tests of src/tests/host that include those
   files). Nothing outside src/vm/ includes it: userprog/ sees only vm/vm.h.

   Lock order: a space's lock (struct vm_space.lock) before the frame-table lock
   (frame.c), before any file-system lock (swap.c's tables take no lock: interrupts off). The
   evictor runs with the frame-table lock held and only TRIES the victim's space lock (skipping the
   frame when it is busy), so it never waits against that order. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "filesys/file.h"
#include "lib/kernel/list.h"
#include "threads/interrupt.h"
#include "threads/malloc.h"
#include "threads/synch.h"
#include "vm/vm.h"

#define SWAP_NONE UINT32_MAX

struct page;
struct frame;
struct vm_range;

/* Where an evicted page's contents went. */
enum evict_kind { EVICT_FAIL, EVICT_SWAP, EVICT_WRITE, EVICT_DROP };

/* How a fault is resolved (fault.c), chosen once per fault by fault_classify. */
enum fault_kind {
  FAULT_FILE,   /* not resident: read from a file (executable or mapping) */
  FAULT_ZERO,   /* not resident, never had contents: a zeroed frame */
  FAULT_STACK,  /* the same for a page of the stack reservation */
  FAULT_SWAPIN, /* not resident: read back from its swap slot */
  FAULT_WP,     /* a write to a writable page mapped read-only (copy-on-write) */
  FAULT_INVALID,
  FAULT_STALE, /* the page table allows the access already: map the page again if need be */
};

/* Behaviour of one page type (anon.c, exec.c, file.c). Generic code (fault.c, page.c,
   space.c, frame.c) reaches type-specific state only through these. */
struct page_ops {
  /* Needs: PAGE fresh in RANGE (va, space set). Gives it its type data and rights. */
  void (*init)(struct page *page, const struct vm_range *range);
  /* How a not-present fault on PAGE as it is now is resolved (file, zero, stack, swap-in). */
  enum fault_kind (*fault_kind)(const struct page *page);
  /* Needs: PAGE not resident, KVA a pinned frame. Fills KVA with the contents. False if
     the backing store could not be read. */
  bool (*fill)(struct page *page, void *kva);
  /* NULL, or: a resident frame that already holds PAGE's contents (the swap cache), with
     PAGE attached to it and its claim on the backing store given up; NULL if none. */
  struct frame *(*find_resident)(struct page *page);
  /* Needs: PAGE and every page after it on the rmap_next chain share the frame at KVA,
     all unmapped; DIRTY: any mapping's dirty bit. Saves the contents where they belong. */
  enum evict_kind (*evict)(struct page *page, void *kva, bool dirty);
  /* Fork: DST (fresh, same va) takes SRC's type data. */
  void (*copy)(struct page *dst, const struct page *src);
  /* Releases what PAGE owns (swap slot; write-back of a dirty file page from KVA, NULL if
     not resident). The frame itself is the caller's. */
  void (*destroy)(struct page *page, void *kva, bool dirty);
  /* A resident page of this type may share its frame copy-on-write with a fork's copy
     (else the copy gets a frame of its own). */
  bool shareable;
};

extern const struct page_ops vm_anon_ops, vm_exec_ops, vm_file_ops;

/* Behaviour of one kind of range (an ELF segment: exec.c; an mmap region: file.c; the
   stack reservation: anon.c). Generic code (space.c, fork.c) reaches it only through these. */
struct range_ops {
  const struct page_ops *pages; /* type of the pages it creates */
  /* NULL, or: may fault F create a page in RANGE? (the stack's rsp rule) */
  bool (*admit)(const struct vm_range *range, const struct vm_fault *f);
  /* NULL, or: fork's copy DST (a byte copy of SRC) takes its own resources; false if out
     of memory (DST is then freed without release). */
  bool (*copy)(struct vm_range *dst, const struct vm_range *src);
  /* NULL, or: releases what RANGE owns (a mapping's file handle). */
  void (*release)(struct vm_range *range);
  bool may_overlap; /* may share pages with other ranges that may (ELF segments) */
  bool unmappable;  /* munmap removes it */
};

extern const struct range_ops vm_segment_range, vm_mapping_range, vm_stack_range;

/* A span of an address space whose pages are created on first touch: an ELF segment, an
   mmap region or the stack reservation. */
struct vm_range {
  uint64_t start, end; /* page-aligned [start, end) */
  const struct range_ops *ops;
  bool writable;
  union {
    struct {
      uint64_t vaddr, filesz, file_ofs; /* exact ELF bounds */
    } seg;
    struct {
      struct file *file; /* own handle, closed when the mapping goes */
      off_t ofs, flen;   /* offset of START in the file; file length at mmap time */
    } map;
  };
  struct vm_range *left, *right; /* range.c's tree */
  uint64_t max_end;              /* largest end in this subtree */
  uint64_t seq;                  /* insertion number: order among equal starts */
  int height;
  bool inherited; /* copied at a lazy fork: its pages may still be the origin's (fork.c) */
};

/* The ranges of one address space (range.c). */
struct range_tree {
  struct vm_range *root;
  size_t count;
  uint64_t next_seq;
};
void range_tree_init(struct range_tree *);
/* Needs: R not in any tree. Guarantees: R in T (its tree fields are overwritten), after
   every range already there with the same start. */
void range_insert(struct range_tree *, struct vm_range *);
/* Needs: R in T. Guarantees: R out of T; R itself is the caller's. */
void range_remove(struct range_tree *, struct vm_range *);
/* The first range of T, in order of start then insertion, that meets [START, END); NULL
   if none. O(log n). */
const struct vm_range *range_find_meeting(const struct range_tree *, uint64_t start, uint64_t end);
/* Calls FN on every range of T meeting [START, END), in order, until FN returns false;
   returns false if it stopped early. FN must not change T. */
bool range_each_meeting(const struct range_tree *, uint64_t start, uint64_t end,
                        bool (*fn)(const struct vm_range *, void *), void *aux);
/* In-order walk: the range after AFTER (NULL: the first), or NULL at the end. AFTER may
   have been removed since. O(log n). */
const struct vm_range *range_next(const struct range_tree *, const struct vm_range *after);

/* One user page that has been touched (or inherited at fork). */
struct page {
  uint64_t va;
  struct page *hash_next; /* supplemental page table chain */
  struct page *rmap_next; /* next page mapping the same frame */
  const struct page_ops *ops;
  struct vm_space *space;
  struct frame *frame; /* NULL while not resident */
  const struct vm_range *range;
  uint32_t slot;       /* swap slot with the contents, or SWAP_NONE */
  uint32_t policy_tag; /* owned by the eviction policy */
  uint32_t born;       /* its space's fork_gen when the record was made */
  uint32_t pushed;     /* its space's fork_gen when its heirs last got their copies */
  bool writable;       /* the user may write (mapped read-only while shared) */
  bool touched;        /* has had a frame once */
};

/* Supplemental page table: chained hash on the page number (spt.c). */
struct spt {
  struct page **buckets;
  size_t bucket_cnt; /* power of two */
  size_t page_cnt;
};
bool spt_init(struct spt *);
void spt_free(struct spt *); /* the bucket array only */
struct page *spt_find(const struct spt *, uint64_t va);
void spt_insert(struct spt *, struct page *);
void spt_reserve(struct spt *, size_t n); /* empty table: buckets for N pages */
void spt_remove(struct spt *, struct page *);
/* Any page of the table, or NULL if empty (for tear-down loops). */
struct page *spt_any(const struct spt *);
/* Calls FN on every page; FN may remove (and free) the page it is given, nothing else.
   Stops early, returning false, if FN returns false. */
bool spt_each(const struct spt *, bool (*fn)(struct page *, void *), void *aux);

/* A layer that needs some pages of a space kept as they are for a while (lazy fork,
   inherit.c) sets the space's HOLD: HELD says whether PAGE must not change (it is then
   mapped read-only and keeps the swap slot it was read from: page.c), RELEASE gives PAGE
   up so that it may change. */
struct page_hold {
  bool (*held)(const struct page *page);
  void (*release)(struct page *page);
};

struct vm_space {
  struct lock lock; /* fault path, fork copy, mmap/munmap, destroy, evictor (tried) */
  uint64_t *pml4;
  struct spt spt;
  struct range_tree ranges;
  struct file *exec_file;
  const struct page_hold *hold; /* NULL, or the layer holding some of its pages */
  /* Lazy fork (fork.c). A space is an heir (ORIGIN set: it takes the pages it inherited
     from ORIGIN on first touch), an origin (HEIRS not empty), or neither; never both. */
  struct vm_space *origin;
  uint32_t origin_gen; /* ORIGIN's fork_gen just after the fork that made this heir */
  uint32_t fork_gen;   /* lazy forks of this space so far */
  struct list heirs;   /* of struct vm_space, by heir_elem; under LOCK */
  struct list_elem heir_elem;
  unsigned refs;          /* the owner, plus threads waiting for LOCK (space_lock, frame_wait) */
  unsigned evict_waiters; /* faults waiting for LOCK to evict one of its frames (frame_wait) */
  bool lost;              /* an inherited page could not be taken: faults on inherited pages fail */
};

/* space.c */
/* Locks S, after its origin if it is an heir (lock order: origin before heir). Returns the
   origin, locked and referenced, or NULL; give it back to space_unlock. */
struct vm_space *space_lock(struct vm_space *s);
void space_unlock(struct vm_space *s, struct vm_space *origin);
/* Drops one reference to S; the last one frees the structure (torn down already). Here
   beside the structure, so that the frame table, which takes references to the spaces it
   finds busy, does not depend on space.c. */
static inline void space_unref(struct vm_space *s)
{
  enum intr_level old = intr_disable();
  bool last = --s->refs == 0;
  intr_set_level(old);
  if (last)
    free(s);
}

/* page.c: page records, and the one path by which a user page receives a frame. */
extern uint64_t vm_pages_touched;
/* Needs: no page at VA in S, VA in R. Guarantees: a page record of R's page type at VA in
   S's table, not resident, not touched; NULL if out of memory. */
struct page *page_create(struct vm_space *s, uint64_t va, const struct vm_range *r);
/* Needs: PAGE owns no frame or backing store. Removes it from its table and frees it. */
void page_forget(struct page *page);
/* Gives PAGE a new frame (filled by its type, or a copy of COPY_FROM) and maps it. PAGE is
   not resident, or leaves the shared frame COPY_FROM (copy-on-write). */
enum vm_fault_result page_claim(struct page *page, const void *copy_from);
/* The same without waiting for busy frames: VM_FAULT_BUSY then (the fault path drops its
   lock, waits and retries). */
enum vm_fault_result page_claim_now(struct page *page, const void *copy_from);
/* Gives PAGE (not resident) the frame another page already holds its contents in: the
   swap cache's (its type's find_resident), mapped; VM_FAULT_INVALID if there is none. */
enum vm_fault_result page_claim_cached(struct page *page);
/* Needs: SP resident, NP not resident, same va in another space. NP shares SP's frame
   copy-on-write: both mapped read-only (NP's as used when USED). False if out of memory. */
bool page_claim_shared(struct page *np, const struct page *sp, bool used);
/* Maps PAGE (resident) with its rights: writable only if it is the frame's only user and
   not held (page_hold). */
bool page_map(struct page *page);
/* To be called before PAGE's contents change or it goes: whoever holds it (page_hold) is
   given what it is owed first. */
void page_will_change(struct page *page);

/* frame.c */
struct frame {
  struct list_elem link; /* policy's list */
  struct page *rmap;     /* every page mapping this frame (rmap_next chain) */
  uint16_t refs;         /* pages on RMAP */
  bool listed;           /* known to the policy */
  uint8_t queue;         /* policy-private */
  uint16_t pinned;       /* pins held: not evictable while being filled, copied or written out */
  uint32_t cache_slot;   /* swap slot this frame may be the cached copy of, or SWAP_NONE */
  /* Filled for a fault of thread FRESH (mapped with its accessed bit clear) whose access has
     not happened yet: that thread's retry needs it, so its own faults never evict it. */
  const struct thread *fresh;
  bool primed; /* accessed as far as the policy can tell: the fault's access is owed */
};
/* Needs: the user pool set up, called once before any process. RECLAIM: called with the
   frame-table lock held when the user pool is empty, for a pinned empty frame or NULL
   (*BUSY set if waiting could help): the evictor (evict_one). */
void frame_table_init(struct frame *(*reclaim)(struct vm_space **busy));
/* Guards the frame table, the policy and frame_wait.c's lists of waiters. */
extern struct lock frame_lock;
/* Needs: frame_lock held. A pinned frame from the user pool, else one the evictor frees,
   else NULL (*BUSY_SPACE as evict_one says). */
struct frame *frame_get_locked(struct vm_space **busy_space);
/* Needs: frame_lock held. Frame pins held by all threads. */
size_t frame_pins_locked(void);
/* Needs: frame_lock held (frame.c and evict.c only). PINNED: takes one more pin on the
   frame, else drops one the caller took. Pins nest: a frame two copiers read is pinned
   until both are done. */
void frame_set_pin_locked(struct frame *, bool pinned);
void frame_uncache_locked(struct frame *);
/* evict.c (given to frame_table_init). Needs: frame_lock held. One victim, pinned and empty,
   or NULL; *BUSY then names a space whose lock another thread holds and whose frame could
   have been evicted (referenced: give it to frame_wait or space_unref), else stays NULL.
   Frames the current thread's own fault just filled and not yet used are never chosen
   (frame.fresh). */
struct frame *evict_one(struct vm_space **busy);
/* frame_wait.c. A pinned, unowned frame (contents undefined), evicting if need be. The caller may
   hold one space lock (its own): pages of that space may be evicted. OWN_PINS: frame pins the
   caller holds. NULL if nothing can be evicted (swap full or absent, the rest pinned or
   busy for FRAME_ALLOC_ROUNDS ticks). */
struct frame *frame_alloc(unsigned own_pins);
/* One attempt of frame_alloc that never waits: NULL with *BUSY set if a frame is on its
   way back (another thread's space lock or pin will be dropped): out of memory otherwise. */
struct frame *frame_try_alloc(unsigned own_pins, bool *busy);
/* Needs: no lock held, the last frame_try_alloc of this thread said busy. Waits until a
   frame may have come back: for the lock of the space it found busy, yielded by its holder
   (frame_yield_waiters), else for one tick. */
void frame_wait(void);
/* Needs: frame_lock held. True if L's holder sleeps in frame_alloc: L comes free only when
   that thread gets a frame, so a frame behind L is not on its way back. */
bool frame_lock_holder_waits(const struct lock *l);
/* Needs: frame_lock held. True if L's holder is blocked on frame_lock at the start of an
   allocation (frame_try_alloc): it touches none of its pages until the caller is done, so
   the caller may evict them as if it held L. */
bool frame_lock_holder_parked(const struct lock *l);
/* Needs: S's lock just released by this thread. Lets faults waiting for it run first. */
void frame_yield_waiters(struct vm_space *s);
/* Marks F, filled for the current thread's fault, as not used yet (frame.fresh). */
void frame_set_fresh(struct frame *f);
void *frame_kva(const struct frame *);
struct frame *frame_of_kva(const void *kva);
void frame_attach(struct frame *, struct page *);
/* Removes PAGE from F's rmap (the caller unmapped it); frees F when no page is left and
   F is not pinned. */
void frame_detach(struct frame *, struct page *);
void frame_pin(struct frame *);
void frame_unpin(struct frame *); /* frees F if it has no page left */
size_t frame_peak(void);
size_t frame_pinned_count(void);
/* F becomes the swap cache's copy of SLOT (while another page still references SLOT). */
void frame_cache(struct frame *, uint32_t slot);
bool frame_is_cached(const struct frame *);
/* True if only one page maps F; F then also leaves the swap cache, so that page may map it
   writable (atomic against the swap cache sharing it again). */
bool frame_take_sole(struct frame *);
/* If the swap cache holds a live frame for SLOT, attaches PAGE to it and returns it. */
struct frame *frame_share_cached(struct page *page, uint32_t slot);
/* Test-and-clear of the accessed bit over every mapping of F (policies). */
bool frame_take_accessed(struct frame *);
size_t frame_table_size(void);
struct frame *frame_at(size_t idx);

/* policy.c: the eviction policy interface. */
struct evict_policy {
  const char *name;
  void (*add)(struct frame *);                  /* F now holds a page */
  void (*remove)(struct frame *, bool evicted); /* F leaves (freed, or chosen victim) */
  void (*begin)(void);                          /* a new victim search */
  struct frame *(*next)(void);                  /* next candidate, NULL when out */
};
const struct evict_policy *policy_find(const char *name);
void policy_init(const struct evict_policy *, unsigned long seed);
extern const struct evict_policy *vm_policy; /* frame.c */

/* swap.c: page-sized slots with reference counts; lowest free slot first. */
void swap_init(void);
uint32_t swap_alloc(void); /* refs 1, SWAP_NONE if no disk or full */
void swap_ref(uint32_t slot);
void swap_unref(uint32_t slot);
bool swap_shared(uint32_t slot); /* more than one reference */
void swap_write(uint32_t slot, const void *kva);
void swap_read(uint32_t slot, void *kva);
size_t swap_used(void);
bool swap_full(void); /* no free slot (or no swap disk): swap_alloc would fail */
size_t swap_peak(void);
extern uint64_t swap_write_cycles, swap_read_cycles;
struct frame *swap_cache_find(uint32_t slot);
void swap_cache_add(uint32_t slot, struct frame *);
void swap_cache_remove(uint32_t slot, struct frame *);

/* fork.c. How a new record gets SP's contents when SP is resident. SHARE: share its
   frame if its type allows (else copy it). READ, WRITE: the same for the page a fault is
   about to read, mapped as used; and for a write a copy at once; both without waiting for
   a frame (the fault can drop its locks and retry). SLOT: take SP's swap slot alone when
   SP holds one (a push: the heir is not touching the page now, and the origin is about to
   write it). */
enum fork_give { FORK_GIVE_SHARE, FORK_GIVE_READ, FORK_GIVE_WRITE, FORK_GIVE_SLOT };
/* Needs: DST and SP's space locked, no page at SP's address in DST, R DST's range there.
   Guarantees: on VM_FAULT_HANDLED, DST's own record of SP in *NEW, given SP's contents as
   GIVE says (a swap slot is always shared; *COPIED if the frame was copied; NEW and COPIED
   may be NULL); otherwise
   (out of memory, or busy frames for READ and WRITE) nothing left behind. */
enum vm_fault_result fork_copy_page(struct vm_space *dst, const struct vm_range *r, struct page *sp,
                                    enum fork_give give, struct page **new, bool *copied);
/* Needs: DST fresh, both locked. Copies SRC's ranges and pages into DST (share or eager);
   PROC counts frames copied. False if out of memory. */
bool fork_copy_space(struct vm_space *dst, struct vm_space *src, struct vm_counters *proc);
/* Copies every range of SRC into DST, marked INHERITED (lazy fork). False if out of
   memory. */
bool fork_copy_ranges(struct vm_space *dst, const struct vm_space *src, bool inherited);
/* True if a fork of SRC under the current mode is lazy. */
bool fork_is_lazy(const struct vm_space *src);

/* inherit.c: lazy fork, the layer above the fault path. Results of inherit_take. */
enum inherit_take { INHERIT_NONE, INHERIT_DONE, INHERIT_COPIED, INHERIT_BUSY, INHERIT_FAILED };
/* Needs: S an heir, S's and its origin's locks held, no page at VA in S. If S inherited a
   page at VA, gives S its own record of it in *PAGE: INHERIT_DONE if it shares the
   origin's frame (mapped read-only) or swap slot or is not resident, INHERIT_COPIED if it
   got a copy of the frame (always for a WRITE to a writable page: the copy-on-write copy
   made at once; and for pages that are never shared). INHERIT_NONE: nothing was
   inherited there (the range decides). INHERIT_BUSY: the copy needs a frame that others
   hold (drop the locks, wait, retry). INHERIT_FAILED: out of memory, or S is lost. */
enum inherit_take inherit_take(struct vm_space *s, uint64_t va, bool write, struct page **page);
/* Needs: S's (and its origin's) lock held. The lazy-fork step before the fault path's
   dispatch: if S is an heir without a record at F's address, takes the page it inherited
   there (inherit_take). True if that resolved F (result in *R, the fault counted); false
   if F goes on to the ordinary dispatch, which then finds S's own record, if one was
   taken. */
bool inherit_fault(struct vm_space *s, const struct vm_fault *f, struct vm_counters *proc,
                   enum vm_fault_result *r);
/* True if PAGE's space has heirs that may not have taken PAGE yet (page_hold's HELD). */
bool inherit_pending(const struct page *page);
/* Needs: PAGE's space locked, PAGE pending. Guarantees: every heir that inherited PAGE and
   had not taken it has its own record now (an heir that cannot get one is marked lost);
   PAGE is no longer pending and may change (page_hold's RELEASE). */
void inherit_push(struct page *page);
/* Needs: DST fresh, both locked. Makes DST an heir of SRC (a lazy fork): DST gets the
   ranges; SRC's pages are held (write-protected in bulk) until DST has taken them. */
bool inherit_fork(struct vm_space *dst, struct vm_space *src);
/* Needs: S an heir, S's and its origin's locks held. Guarantees: S owns a record of every
   page it inherited (or is lost) and is no longer an heir. */
void inherit_settle(struct vm_space *s);
/* Needs: S's lock held and no thread waiting on it. Detaches S from its origin or its
   heirs (heirs take everything first, see vm_space_destroy). */
void inherit_detach(struct vm_space *s);

/* stats.c */
extern uint64_t vm_stats[VM_STAT_CNT];
void vm_count(struct vm_counters *proc, enum vm_stat);
extern uint64_t vm_fault_cycles;
/* The counters' human lines ("Page faults: ...", up to "Evictions: ..."). */
void stats_print_counters(void);
/* Appends " KEY=V" to BUF (SIZE bytes) at *LEN. */
void stats_append(char *buf, size_t size, int *len, const char *key, unsigned long long v);
/* Appends every counter's " key=N": FIRST, those that were on the STATS line before swap
   existed, in their order there; else all the others, in table order. */
void stats_append_counters(char *buf, size_t size, int *len, bool first);
extern enum vm_fork_mode vm_fork_mode;

#endif
