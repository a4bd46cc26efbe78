/* Eviction policies behind struct evict_policy. Each keeps the frames that hold pages
   (the ones frame.c has added) and, for one victim search (begin, then next until the
   caller takes one), offers candidates in its order of preference. All run under the
   frame-table lock.
   - fifo: strictly the order frames were filled; a refilled frame goes to the tail.
   - clock: second chance on the accessed bit of every mapping of the frame.
   - random: a uniformly drawn frame, from a generator seeded by -seed (else fixed).
   - 2q (policy_2q.c): scan-resistant 2Q adapted to accessed bits.
   - hotcold (policy_hotcold.c, the default): loop- and scan-resistant; see there.
   - lirs (policy_lirs.c): promotion by reuse distance against hot idle time; see there. */

#include "lib/string.h"
#include "threads/interrupt.h"
#include "vm/page.h"
#include "vm/policy_queue.h"

static struct list queue[2]; /* fifo/clock/random: queue[0]; 2q: A1in = 0, Am = 1 */
static size_t queue_len[2];
static struct list_elem *hand[2]; /* clock hand per queue (NULL: at the front) */
static struct list_elem *walk;    /* fifo order iterator of this search */
static size_t scan_budget[2];     /* candidates left in this search, per queue */
static uint64_t rng_state;
/* Runs of list 0 that policy_fifo_offer passed over (struct frame: in_run, skip_*). A run
   recorded at generation G holds while run_gen == G: it bumps whenever a frame of a run
   leaves list 0, changes owners or freshness (policy_frame_changed), or a frame enters list
   0 anywhere but its tail. */
static uint64_t run_gen = 1;

/* Every run is forgotten when F is part of one. */
static void run_forget(struct frame *f)
{
  if (f->in_run) {
    run_gen++;
    f->in_run = false;
  }
}

void policy_frame_changed(struct frame *f) { run_forget(f); }

void policy_queue_add(struct frame *f, unsigned q)
{
  f->queue = (uint8_t)q;
  list_push_back(&queue[q], &f->link);
  queue_len[q]++;
}

void policy_queue_add_behind_hand(struct frame *f, unsigned q)
{
  if (q == 0)
    run_gen++;
  if (hand[q] == NULL || hand[q] == list_end(&queue[q])) {
    policy_queue_add(f, q);
    return;
  }
  f->queue = (uint8_t)q;
  list_insert(hand[q], &f->link);
  queue_len[q]++;
}

void policy_queue_remove(struct frame *f)
{
  run_forget(f);
  f->skip_last = NULL;
  if (hand[f->queue] == &f->link)
    hand[f->queue] = list_next(hand[f->queue]);
  if (walk == &f->link)
    walk = list_next(walk);
  list_remove(&f->link);
  queue_len[f->queue]--;
}

size_t policy_queue_len(unsigned q) { return queue_len[q]; }

void policy_search_begin(size_t budget0, size_t budget1)
{
  walk = list_begin(&queue[0]);
  scan_budget[0] = budget0;
  scan_budget[1] = budget1;
}

struct frame *policy_fifo_next(unsigned q)
{
  if (scan_budget[q] == 0 || walk == list_end(&queue[q]))
    return NULL;
  scan_budget[q]--;
  struct frame *f = list_entry(walk, struct frame, link);
  walk = list_next(walk);
  return f;
}

/* True if the evictor would refuse F again with nothing done: it is mapped by REFUSED (the
   busy space evict_refused_space names, or NULL) alone and is not fresh. */
static bool policy_refused(const struct frame *f, const struct vm_space *refused)
{
  const struct page *p = f->rmap;
  return refused != NULL && p != NULL && p->space == refused && p->rmap_next == NULL &&
         f->fresh == NULL;
}

/* The walk is one pass with interrupts off, so the evictor's refusal cannot change
   during it and is asked once.
   A search often finds the same long run of a busy space's frames at the head of list 0
   that the one before it passed over (the space's holder has not run since, so it still
   holds the lock and its frames): each run passed over is recorded in its first frame,
   and a later walk that meets that frame while the same space is refused jumps to the
   run's end, charging the budget as if it had stepped. A run still recorded has every
   frame in place, mapped by that space alone and not fresh (run_gen), so policy_refused
   would pass over each of them again: the search offers the same frames in the same
   order, with fewer steps. */
struct frame *policy_fifo_offer(unsigned q)
{
  struct frame *f;
  struct frame *run = NULL, *last = NULL; /* the run passed over in this call */
  uint32_t cnt = 0;
  enum intr_level old = intr_disable();
  const struct vm_space *refused = evict_refused_space();
  while ((f = policy_fifo_next(q)) != NULL && policy_refused(f, refused)) {
    if (run == NULL)
      run = f;
    if (q == 0 && f->skip_last != NULL && f->skip_gen == run_gen &&
        scan_budget[q] >= f->skip_cnt - 1) {
      scan_budget[q] -= f->skip_cnt - 1;
      cnt += f->skip_cnt;
      last = f->skip_last;
      walk = list_next(&last->link);
      continue;
    }
    f->in_run = true;
    cnt++;
    last = f;
  }
  if (q == 0 && cnt > 1) {
    run->skip_last = last;
    run->skip_cnt = cnt;
    run->skip_gen = run_gen;
  }
  intr_set_level(old);
  return f;
}

struct frame *policy_hand_step(unsigned q)
{
  if (queue_len[q] == 0)
    return NULL;
  if (hand[q] == NULL || hand[q] == list_end(&queue[q]))
    hand[q] = list_begin(&queue[q]);
  struct frame *f = list_entry(hand[q], struct frame, link);
  hand[q] = list_next(hand[q]);
  return f;
}

struct frame *policy_clock_next(unsigned q)
{
  while (scan_budget[q] > 0 && queue_len[q] > 0) {
    scan_budget[q]--;
    struct frame *f = policy_hand_step(q);
    if (!frame_take_accessed(f))
      return f;
  }
  return NULL;
}

void policy_ghost_stamp(struct frame *f, uint32_t *clock)
{
  if (++*clock == 0)
    *clock = 1;
  for (struct page *p = f->rmap; p != NULL; p = p->rmap_next)
    p->policy_tag = *clock;
}

bool policy_ghost_hit(const struct frame *f, uint32_t clock, uint32_t window)
{
  for (const struct page *p = f->rmap; p != NULL; p = p->rmap_next)
    if (p->policy_tag != 0 && clock - p->policy_tag <= window)
      return true;
  return false;
}

static void fifo_add(struct frame *f) { policy_queue_add(f, 0); }
static void any_remove(struct frame *f, bool evicted)
{
  (void)evicted;
  policy_queue_remove(f);
}

static void fifo_begin(void) { policy_search_begin(queue_len[0], 0); }
static struct frame *fifo_next(void) { return policy_fifo_offer(0); }

/* Every frame offered at least once: two turns of the hand clear every accessed bit. */
static void clock_begin(void) { policy_search_begin(2 * queue_len[0] + 1, 0); }
static struct frame *clock_next(void) { return policy_clock_next(0); }

/* xorshift64*: deterministic from its seed. */
static uint64_t rng_next(void)
{
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545F4914F6CDD1DULL;
}

static void random_begin(void) { policy_search_begin(queue_len[0], 0); }

/* A random listed frame: a random frame-table slot, then the next listed one after it. */
static struct frame *random_next(void)
{
  size_t n = frame_table_size();
  if (scan_budget[0] == 0 || n == 0)
    return NULL;
  scan_budget[0]--;
  size_t idx = (size_t)(rng_next() % n);
  for (size_t i = 0; i < n; i++) {
    struct frame *f = frame_at((idx + i) % n);
    if (f->listed)
      return f;
  }
  return NULL;
}

static const struct evict_policy policies[] = {
    {"hotcold", hotcold_add, hotcold_remove, hotcold_begin, hotcold_next},
    {"clock", fifo_add, any_remove, clock_begin, clock_next},
    {"fifo", fifo_add, any_remove, fifo_begin, fifo_next},
    {"random", fifo_add, any_remove, random_begin, random_next},
    {"2q", twoq_add, twoq_remove, twoq_begin, twoq_next},
    {"lirs", lirs_add, lirs_remove, lirs_begin, lirs_next},
};

const struct evict_policy *policy_find(const char *name)
{
  for (size_t i = 0; i < sizeof policies / sizeof *policies; i++)
    if (!strcmp(policies[i].name, name))
      return &policies[i];
  return NULL;
}

bool vm_policy_exists(const char *name) { return policy_find(name) != NULL; }
const char *vm_policy_names(void) { return "hotcold|clock|fifo|random|2q|lirs"; }

void policy_init(const struct evict_policy *p, unsigned long seed)
{
  for (unsigned q = 0; q < 2; q++) {
    list_init(&queue[q]);
    queue_len[q] = 0;
    hand[q] = NULL;
  }
  walk = NULL;
  rng_state = seed != 0 ? seed : 0x4B657374726C31ULL;
  vm_policy = p;
}
