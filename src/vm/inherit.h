#ifndef VM_INHERIT_H
#define VM_INHERIT_H

/* PRIVATE to src/vm. Lazy fork (inherit.c): the layer above the fault path. */

#include <stdbool.h>
#include <stdint.h>
#include "vm/vm.h"

struct page;

/* Results of inherit_take. */
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

#endif
