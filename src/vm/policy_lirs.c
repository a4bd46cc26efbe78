/* lirs: an eviction policy after LIRS (Jiang and Zhang, 2002), on the accessed bit alone.
   A page earns its place in memory by a short reuse distance (the evictions between its
   eviction and its next fault), not by being recent. Two lists (policy_queue.h):
   - hot (list 1), a clock of at most lirs_hot_max() frames: all but a small cold reserve;
   - cold (list 0), a FIFO of the rest, from whose head victims come.
   Cold start: while hot is below its limit every filled frame enters it, so the first
   pages of a loop larger than memory stay and only the rest cycle through cold.
   Reuse: an evicted frame's pages are stamped with the eviction count (policy_tag); a page
   filled again within frame_table_size() evictions has the reuse distance D = evictions
   since its stamp. A cold frame found at the head with its accessed bit set was used again
   while resident (D = 0); the fill's own access does not count (the bit is cleared when
   the next frame is filled).
   Promotion (LIRS's rule): a page of reuse distance D takes the place of the first hot
   frame, among the next LIRS_STEPS under the hot hand, that has not been accessed for more
   than D evictions; the frame it replaces goes to cold's tail; otherwise the page stays
   cold. The hand stamps a frame it finds accessed with the eviction count (in its pages'
   policy_tag, unused while resident), so "not accessed since stamp S" bounds its idle time
   below by the evictions since S. In a cyclic loop every hot frame is used once per pass,
   never idle longer than the loop's reuse distance, so the hot part stays; a page used
   once never refaults, so after the start a scan never enters hot; pages used a few times
   per hundred references displace hot frames that went idle. O(1) per fault and per
   candidate, no allocation. */

#include "vm/page.h"
#include "vm/policy_queue.h"

enum { LIRS_COLD = 0, LIRS_HOT = 1 };
enum { LIRS_STEPS = 4 };         /* hot frames a promotion may look at */
#define LIRS_NO_REUSE UINT32_MAX /* reuse distance: not a refault within the window */

static uint32_t lirs_evictions;        /* stamp of the last eviction */
static struct frame *lirs_last_filled; /* its fill's access not yet cleared */
static size_t lirs_hot_budget;         /* hot candidates left in this search */

static size_t lirs_cold_min(void)
{
  size_t n = frame_table_size() / 16;
  return n < 2 ? 2 : n;
}

static size_t lirs_hot_max(void)
{
  size_t n = frame_table_size();
  return n > lirs_cold_min() ? n - lirs_cold_min() : 0;
}

/* Stamps every page of F with the eviction count: F was last seen accessed now. */
static void lirs_mark(struct frame *f)
{
  for (struct page *p = f->rmap; p != NULL; p = p->rmap_next)
    p->policy_tag = lirs_evictions;
}

/* Evictions since F was last seen accessed (the most recent stamp of its pages). */
static uint32_t lirs_idle(const struct frame *f)
{
  uint32_t idle = LIRS_NO_REUSE;
  for (const struct page *p = f->rmap; p != NULL; p = p->rmap_next)
    if (lirs_evictions - p->policy_tag < idle)
      idle = lirs_evictions - p->policy_tag;
  return idle;
}

/* Needs: F just filled, its pages' tags still their eviction stamps. The shortest reuse
   distance of its pages within the window, else LIRS_NO_REUSE. */
static uint32_t lirs_reuse(const struct frame *f)
{
  uint32_t d = LIRS_NO_REUSE;
  for (const struct page *p = f->rmap; p != NULL; p = p->rmap_next)
    if (p->policy_tag != 0 && lirs_evictions - p->policy_tag <= frame_table_size() &&
        lirs_evictions - p->policy_tag < d)
      d = lirs_evictions - p->policy_tag;
  return d;
}

/* Needs: frame_lock held, F in no list. Puts F in hot if there is room or one of the next
   LIRS_STEPS hot frames has been idle for more than D evictions (that one goes to cold's
   tail); false, F still in no list, otherwise. */
static bool lirs_promote(struct frame *f, uint32_t d)
{
  if (policy_queue_len(LIRS_HOT) < lirs_hot_max()) {
    lirs_mark(f);
    policy_queue_add_behind_hand(f, LIRS_HOT);
    return true;
  }
  for (unsigned i = 0; i < LIRS_STEPS; i++) {
    struct frame *old = policy_hand_step(LIRS_HOT);
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
    policy_queue_add_behind_hand(f, LIRS_HOT);
    policy_queue_add(old, LIRS_COLD);
    return true;
  }
  return false;
}

/* Needs: frame_lock held, F holding its pages, in no list. Guarantees: F in hot or cold;
   at most one hot frame moved to cold. */
void lirs_add(struct frame *f)
{
  if (lirs_last_filled != NULL)
    frame_take_accessed(lirs_last_filled);
  lirs_last_filled = f;
  uint32_t d = lirs_reuse(f);
  if (d != LIRS_NO_REUSE || policy_queue_len(LIRS_HOT) < lirs_hot_max())
    if (lirs_promote(f, d == LIRS_NO_REUSE ? 0 : d))
      return;
  policy_queue_add(f, LIRS_COLD);
}

/* Needs: frame_lock held, F listed. An evicted frame's pages get the eviction stamp. */
void lirs_remove(struct frame *f, bool evicted)
{
  if (f == lirs_last_filled)
    lirs_last_filled = NULL;
  if (evicted)
    policy_ghost_stamp(f, &lirs_evictions);
  policy_queue_remove(f);
}

/* Cold from its head, twice round (a used frame is promoted or gets a second chance at
   the tail); then two turns of the hot clock. */
void lirs_begin(void)
{
  policy_search_begin(2 * policy_queue_len(LIRS_COLD) + 1, 0);
  lirs_hot_budget = 2 * policy_queue_len(LIRS_HOT) + 1;
}

struct frame *lirs_next(void)
{
  struct frame *f;
  while ((f = policy_fifo_next(LIRS_COLD)) != NULL) {
    if (f == lirs_last_filled || !frame_take_accessed(f))
      return f;
    policy_queue_remove(f);
    if (!lirs_promote(f, 0))
      policy_queue_add(f, LIRS_COLD);
  }
  for (; lirs_hot_budget > 0; lirs_hot_budget--) {
    f = policy_hand_step(LIRS_HOT);
    if (f == NULL)
      return NULL;
    if (!frame_take_accessed(f)) {
      lirs_hot_budget--;
      return f;
    }
    lirs_mark(f);
  }
  return NULL;
}
