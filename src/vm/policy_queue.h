#ifndef VM_POLICY_QUEUE_H
#define VM_POLICY_QUEUE_H

/* PRIVATE to the eviction policies (policy.c, policy_2q.c, policy_hotcold.c, policy_lirs.c): two
   lists of frames (struct frame.link, the list number in struct frame.queue), a clock hand per list
   and one FIFO walk, all under the frame-table lock. Only the active policy uses them. */

#include "vm/frame.h"
#include "vm/policy.h"

/* F goes to the tail of list Q (the oldest at the head). */
void policy_queue_add(struct frame *f, unsigned q);
/* F goes into list Q just behind Q's clock hand: the hand reaches it last. */
void policy_queue_add_behind_hand(struct frame *f, unsigned q);
/* F leaves its list; a hand or walk on F moves to the next frame. */
void policy_queue_remove(struct frame *f);
size_t policy_queue_len(unsigned q);
/* A new victim search: the walk starts at list 0's head; list n may offer BUDGETn more
   candidates. */
void policy_search_begin(size_t budget0, size_t budget1);
/* Frames of list Q from the oldest, each once per search; NULL when out. */
struct frame *policy_fifo_next(unsigned q);
/* policy_fifo_next, passing over the frames the evictor would refuse (evict_refused_space):
   for walks that do nothing to a frame they offer. */
struct frame *policy_fifo_offer(unsigned q);
/* Clock over list Q: advances the hand, clearing accessed bits, until a frame whose bit
   was clear (returned); NULL when the search's budget for Q is used up. */
struct frame *policy_clock_next(unsigned q);
/* The frame under list Q's hand (NULL if Q is empty); the hand moves past it. */
struct frame *policy_hand_step(unsigned q);
/* Ghost history: stamps every page of F's rmap with the next value of *CLOCK (never 0). */
void policy_ghost_stamp(struct frame *f, uint32_t *clock);
/* True if a page of F's rmap was stamped at most WINDOW ticks of CLOCK ago. */
bool policy_ghost_hit(const struct frame *f, uint32_t clock, uint32_t window);

/* policy_hotcold.c */
void hotcold_add(struct frame *);
void hotcold_remove(struct frame *, bool evicted);
void hotcold_begin(void);
struct frame *hotcold_next(void);

/* policy_2q.c */
void twoq_add(struct frame *);
void twoq_remove(struct frame *, bool evicted);
void twoq_begin(void);
struct frame *twoq_next(void);

/* policy_lirs.c */
void lirs_add(struct frame *);
void lirs_remove(struct frame *, bool evicted);
void lirs_begin(void);
struct frame *lirs_next(void);

#endif
