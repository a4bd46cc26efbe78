/* lirs: an eviction policy after LIRS (Jiang and Zhang, 2002) on the accessed bit alone.
   A page earns a place in memory by a short reuse distance (the evictions between its
   eviction and its next fault), not by being recent. Two lists (policy_queue.h):
   - hot (list 1), a clock of at most hot_max() frames: all but a small cold reserve;
   - cold (list 0), a FIFO of the rest, where victims come from.
   Cold start: while hot is below its limit every filled frame enters it, so the first
   pages of a loop larger than memory stay and only the rest cycle through cold.
   The reuse of a page: an evicted frame's pages are stamped with the eviction count
   (policy_tag); one filled again within frame_table_size() evictions has the reuse
   distance D = evictions since then. A cold frame found at the head with its accessed bit
   set was used again while resident (D = 0); the fill's own access is not counted (the
   bit is cleared when the next frame is filled).
   Promotion (LIRS's rule): a page of reuse distance D takes the place of the first hot
   frame, among the next LIRS_STEPS under the hot hand, that was not accessed for more than
   D evictions; the hand stamps a frame (in its pages' policy_tag, unused while resident)
   with the eviction count each time it finds it accessed, so "not accessed since the stamp
   S" bounds its idle time below by evictions - S. The frame it replaces goes to cold's
   tail. Otherwise the page stays cold. In a cyclic loop every hot frame is used once per
   pass, so it is never idle longer than the loop's reuse distance and the hot part stays;
   a page used once never refaults, so a scan never enters hot after the start; pages
   used a few times per hundred references displace hot frames that went idle. O(1) per
   fault and per candidate, no allocation. */

#include "vm/policy_queue.h"

enum { COLD = 0, HOT = 1 };
enum { LIRS_STEPS = 4 };         /* hot frames a promotion may look at */
#define LIRS_NO_REUSE UINT32_MAX /* reuse distance: not a refault within the window */

static uint32_t evictions;        /* stamp of the last eviction */
static struct frame *last_filled; /* its fill's access not yet cleared */
static size_t hot_budget;         /* hot candidates left in this search */

static size_t cold_min(void)
{
  size_t n = frame_table_size() / 16;
  return n < 2 ? 2 : n;
}

static size_t hot_max(void)
{
  size_t n = frame_table_size();
  return n > cold_min() ? n - cold_min() : 0;
}

/* Stamps every page of F with the eviction count: F was last seen accessed now. */
static void lirs_mark(struct frame *f)
{
  for (struct page *p = f->rmap; p != NULL; p = p->rmap_next)
    p->policy_tag = evictions;
}

/* Evictions since F was last seen accessed (the most recent stamp of its pages). */
static uint32_t lirs_idle(const struct frame *f)
{
  uint32_t idle = LIRS_NO_REUSE;
  for (const struct page *p = f->rmap; p != NULL; p = p->rmap_next)
    if (evictions - p->policy_tag < idle)
      idle = evictions - p->policy_tag;
  return idle;
}

/* Needs: F just filled, its pages' tags still their eviction stamps. The shortest reuse
   distance of its pages within the window, else LIRS_NO_REUSE. */
static uint32_t lirs_reuse(const struct frame *f)
{
  uint32_t d = LIRS_NO_REUSE;
  for (const struct page *p = f->rmap; p != NULL; p = p->rmap_next)
    if (p->policy_tag != 0 && evictions - p->policy_tag <= frame_table_size() &&
        evictions - p->policy_tag < d)
      d = evictions - p->policy_tag;
  return d;
}

/* Needs: frame_lock held, F in no list. Puts F in hot if there is room or one of the next
   LIRS_STEPS hot frames has been idle for more than D evictions (that one goes to cold's
   tail); false, F still in no list, otherwise. */
static bool lirs_promote(struct frame *f, uint32_t d)
{
  if (policy_queue_len(HOT) < hot_max()) {
    lirs_mark(f);
    policy_queue_add_behind_hand(f, HOT);
    return true;
  }
  for (unsigned i = 0; i < LIRS_STEPS; i++) {
    struct frame *old = policy_hand_step(HOT);
    if (old == NULL)
      return false;
    if (frame_take_accessed(old)) {
      lirs_mark(old);
      continue;
    }
    if (lirs_idle(old) <= d)
      continue;
    policy_queue_remove(old);
    lirs_mark(f);
    policy_queue_add_behind_hand(f, HOT);
    policy_queue_add(old, COLD);
    return true;
  }
  return false;
}

/* Needs: frame_lock held, F holding its pages, in no list. Guarantees: F in hot or cold;
   at most one hot frame moved to cold. */
void lirs_add(struct frame *f)
{
  if (last_filled != NULL)
    frame_take_accessed(last_filled);
  last_filled = f;
  uint32_t d = lirs_reuse(f);
  if (d != LIRS_NO_REUSE || policy_queue_len(HOT) < hot_max())
    if (lirs_promote(f, d == LIRS_NO_REUSE ? 0 : d))
      return;
  policy_queue_add(f, COLD);
}

/* Needs: frame_lock held, F listed. An evicted frame's pages get the eviction stamp. */
void lirs_remove(struct frame *f, bool evicted)
{
  if (f == last_filled)
    last_filled = NULL;
  if (evicted)
    policy_ghost_stamp(f, &evictions);
  policy_queue_remove(f);
}

/* Cold from its head, twice round (a used frame is promoted or gets a second chance at
   the tail); then two turns of the hot clock. */
void lirs_begin(void)
{
  policy_search_begin(2 * policy_queue_len(COLD) + 1, 0);
  hot_budget = 2 * policy_queue_len(HOT) + 1;
}

struct frame *lirs_next(void)
{
  struct frame *f;
  while ((f = policy_fifo_next(COLD)) != NULL) {
    if (f == last_filled || !frame_take_accessed(f))
      return f;
    policy_queue_remove(f);
    if (!lirs_promote(f, 0))
      policy_queue_add(f, COLD);
  }
  for (; hot_budget > 0; hot_budget--) {
    f = policy_hand_step(HOT);
    if (f == NULL)
      return NULL;
    if (!frame_take_accessed(f)) {
      hot_budget--;
      return f;
    }
    lirs_mark(f);
  }
  return NULL;
}
