#ifndef VM_FRAME_H
#define VM_FRAME_H

/* PRIVATE to src/vm. The frame table (frame.c): one struct frame per frame of the user
   pool, with the pages that map it (reverse map) and its pins. Waiting for a frame is
   frame_wait.h; choosing a victim, evict.h. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/kernel/list.h"
#include "threads/synch.h"

struct page;
struct thread;
struct vm_space;

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
  /* policy.c's memo of a run of frames its walk passed over, kept in the run's first frame
     (policy_fifo_offer); IN_RUN marks every frame of a run. */
  bool in_run;
  uint32_t skip_cnt;
  uint64_t skip_gen;
  struct frame *skip_last;
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
/* frame_unpin of F, then of G unless NULL, under one taking of frame_lock. */
void frame_unpin_pair(struct frame *f, struct frame *g);
/* User frames taken (the user pool's pages in use); read by the VM trace's hooks. */
extern size_t frames_in_use;
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

#endif
