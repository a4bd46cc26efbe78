#ifndef VM_FORK_H
#define VM_FORK_H

/* PRIVATE to src/vm. Fork's copy of an address space (fork.c); the lazy fork's layer is
   inherit.h. */

#include <stdbool.h>
#include "vm/vm.h"

struct page;
struct vm_range;

extern enum vm_fork_mode vm_fork_mode;

/* How a new record gets SP's contents when SP is resident. SHARE: share its frame if its
   type allows (else copy it). READ, WRITE: the same for the page a fault is about to read,
   mapped as used; and for a write a copy at once; both without waiting for a frame (the
   fault can drop its locks and retry). SLOT: take SP's swap slot alone when SP holds one
   (a push: the heir is not touching the page now, and the origin is about to write it). */
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
/* True if DST is owed its own record of SP (a page of the space DST inherited from); *R is
   then DST's range at SP's address. */
typedef bool fork_owed_fn(struct vm_space *dst, const struct page *sp, const struct vm_range **r);
/* Needs: both locked. Gives DST its own record of each page of SRC that OWED says it is
   owed, as fork_copy_space gives every page (frames shared in batches; frames are not
   counted as copied). False if out of memory: DST then has records of some of them. */
bool fork_copy_owed(struct vm_space *dst, struct vm_space *src, fork_owed_fn *owed);
/* Copies every range of SRC into DST, marked INHERITED (lazy fork). False if out of
   memory. */
bool fork_copy_ranges(struct vm_space *dst, const struct vm_space *src, bool inherited);
/* True if a fork of SRC under the current mode is lazy. */
bool fork_is_lazy(const struct vm_space *src);

#endif
