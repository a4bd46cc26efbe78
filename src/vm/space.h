#ifndef VM_SPACE_H
#define VM_SPACE_H

/* PRIVATE to src/vm. An address space (struct vm_space, space.c).

   Lock order: a space's lock (struct vm_space.lock) before the frame-table lock
   (frame.c), before any file-system lock (swap.c's tables take no lock: interrupts off).
   The evictor runs with the frame-table lock held and only TRIES the victim's space lock
   (skipping the frame when it is busy), so it never waits against that order. */

#include <stdbool.h>
#include <stdint.h>
#include "lib/kernel/list.h"
#include "threads/interrupt.h"
#include "threads/malloc.h"
#include "threads/synch.h"
#include "vm/range.h"
#include "vm/spt.h"

struct file;
struct page_hold;

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
  uint32_t trace_swapin;  /* the VM trace: 1 + the slot read for the fault in progress, or 0 */
};

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

#endif
