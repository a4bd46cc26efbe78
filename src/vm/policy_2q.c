/* 2q: scan-resistant 2Q (Johnson and Shasha, 1994) adapted to accessed bits. Two lists
   (policy_queue.h): new pages enter A1in (list 0, FIFO, a quarter of the frames); victims
   come from there while it is over its share, and their pages are remembered (a ghost
   list kept as an eviction stamp in the page) for half a frame table of A1in evictions; a
   page faulted back in while remembered goes to Am (list 1), a clock. One pass over a
   large array thus flushes only A1in, never the hot pages in Am. */

#include "vm/policy_queue.h"

static uint32_t a1in_evictions; /* stamp of the last A1in eviction */

static size_t twoq_kin(void) { return frame_table_size() / 4 + 1; }

void twoq_add(struct frame *f)
{
  bool ghost = f->rmap != NULL && policy_ghost_hit(f, a1in_evictions, frame_table_size() / 2);
  policy_queue_add(f, ghost ? 1 : 0);
}

void twoq_remove(struct frame *f, bool evicted)
{
  if (evicted && f->queue == 0)
    policy_ghost_stamp(f, &a1in_evictions);
  policy_queue_remove(f);
}

static unsigned twoq_phase; /* queue the search takes candidates from now */
void twoq_begin(void)
{
  twoq_phase = policy_queue_len(0) > twoq_kin() || policy_queue_len(1) == 0 ? 0 : 1;
  policy_search_begin(policy_queue_len(0), 2 * policy_queue_len(1) + 1);
}

/* A1in in FIFO order while it is over its share, else the clock over Am; when one is
   exhausted the search goes on in the other. */
struct frame *twoq_next(void)
{
  for (unsigned tries = 0; tries < 2; tries++) {
    struct frame *f = twoq_phase == 0 ? policy_fifo_offer(0) : policy_clock_next(1);
    if (f != NULL)
      return f;
    twoq_phase ^= 1;
  }
  return NULL;
}
