#ifndef VM_PAGE_H
#define VM_PAGE_H

/* PRIVATE to src/vm (and the host unit tests of src/tests/host that include its files), as
   is every header here but vm.h and trace.h: userprog/ sees only vm/vm.h.

   Page records (struct page), the behaviour of a page type (struct page_ops: anon.c,
   exec.c, file.c), and page.c's claims: the one path by which a user page receives a
   frame. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vm/vm.h"

struct frame;
struct page;
struct vm_range;
struct vm_space;

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

/* Whether a resident page can still be evicted once swap is full (frame_may_save asks
   before it unmaps anything). */
enum page_full_swap {
  FULL_SWAP_CLEAN_IN_SLOT, /* only clean and still holding its slot (anonymous pages) */
  FULL_SWAP_CLEAN,         /* only clean: then it is dropped (executable pages) */
  FULL_SWAP_ANY,           /* always: its contents go elsewhere (file pages) */
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
  /* When swap is full, which of its resident pages may be evicted. */
  enum page_full_swap when_swap_full;
};

extern const struct page_ops vm_anon_ops, vm_exec_ops, vm_file_ops;

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

/* A layer that needs some pages of a space kept as they are for a while (lazy fork,
   inherit.c) sets the space's HOLD: HELD says whether PAGE must not change (it is then
   mapped read-only and keeps the swap slot it was read from: page.c), RELEASE gives PAGE
   up so that it may change. */
struct page_hold {
  bool (*held)(const struct page *page);
  void (*release)(struct page *page);
};

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
/* Gives PAGE (not resident) a new frame holding a copy of SRC, the resident frame of another
   page, and maps it; SRC is pinned while it is copied (the caller need not pin it). WAIT:
   waits for busy frames as page_claim does, else answers VM_FAULT_BUSY as page_claim_now. */
enum vm_fault_result page_claim_copy(struct page *page, struct frame *src, bool wait);
/* Gives PAGE (not resident) the frame another page already holds its contents in: the
   swap cache's (its type's find_resident), mapped; VM_FAULT_INVALID if there is none. */
enum vm_fault_result page_claim_cached(struct page *page);
/* Needs: SP resident, NP not resident, same va in another space. NP shares SP's frame
   copy-on-write: both mapped read-only (NP's as used when USED). False if out of memory. */
bool page_claim_shared(struct page *np, const struct page *sp, bool used);
/* page_claim_shared (not used) for each pair NP[I], SP[I] below N, in order: fork's share,
   one call per batch. Returns N, or the index of the first pair that could not be shared
   (out of memory): that pair and those after it are left as they were. */
size_t page_claim_shared_n(struct page *const *np, struct page *const *sp, size_t n);
/* Maps PAGE (resident) with its rights: writable only if it is the frame's only user and
   not held (page_hold). */
bool page_map(struct page *page);
/* To be called before PAGE's contents change or it goes: whoever holds it (page_hold) is
   given what it is owed first. */
void page_will_change(struct page *page);

#endif
