/* hotcold: an eviction policy that resists cyclic loops larger than memory and one-time
   scans, in the spirit of CLOCK-Pro (Jiang, Chen and Zhang, 2005) but built on the
   accessed bit alone. Two lists (policy_queue.h):
   - cold (list 0), a FIFO: every newly filled frame enters here unless promoted, and
     victims come from its head, whatever their accessed bits;
   - hot (list 1), a clock of at most hot_max() frames (7/8 of the table), evicted from
     only when cold offers nothing (empty, or all of it pinned or busy).
   Ghost history: an evicted frame's pages are stamped with the eviction count; a page
   filled again within the last ghost_window() evictions was evicted too early (a "ghost
   hit") and asks for the hot list. Below hot_max() it simply enters. At the limit the hot
   hand moves one frame: if that frame was not accessed since the hand last passed, it is
   demoted to cold's tail and the new frame takes its place; otherwise its bit is cleared
   and the new frame stays cold. One step per ghost hit is what keeps a loop's hot part
   stable: in a loop over N pages with H hot, about N - H ghost hits come per pass, so
   while H >= N / 2 the hand passes each hot frame at most once per pass and always finds
   it accessed. A scan never refaults, so it never reaches the hot list. */

#include "vm/policy_queue.h"

enum { COLD = 0, HOT = 1 };

static uint32_t ghost_clock; /* stamp of the last eviction */

static size_t hot_max(void) { return frame_table_size() - frame_table_size() / 8; }
static uint32_t ghost_window(void) { return (uint32_t)frame_table_size(); }

/* Needs: frame_lock held, F holding its pages, in no list. Guarantees: F in cold or hot;
   at most one hot frame demoted to cold. */
void hotcold_add(struct frame *f)
{
  if (!policy_ghost_hit(f, ghost_clock, ghost_window())) {
    policy_queue_add(f, COLD);
    return;
  }
  if (policy_queue_len(HOT) < hot_max()) {
    policy_queue_add_behind_hand(f, HOT);
    return;
  }
  struct frame *old = policy_hand_step(HOT);
  if (old == NULL || frame_take_accessed(old)) {
    policy_queue_add(f, COLD);
    return;
  }
  policy_queue_remove(old);
  policy_queue_add_behind_hand(f, HOT);
  policy_queue_add(old, COLD);
}

/* Needs: frame_lock held, F listed. An evicted frame's pages join the ghost history. */
void hotcold_remove(struct frame *f, bool evicted)
{
  if (evicted)
    policy_ghost_stamp(f, &ghost_clock);
  policy_queue_remove(f);
}

/* Cold in FIFO order, each frame once; then two turns of the hot clock. */
void hotcold_begin(void)
{
  policy_search_begin(policy_queue_len(COLD), 2 * policy_queue_len(HOT) + 1);
}

struct frame *hotcold_next(void)
{
  struct frame *f = policy_fifo_offer(COLD);
  return f != NULL ? f : policy_clock_next(HOT);
}
