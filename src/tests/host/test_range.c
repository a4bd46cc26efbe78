/* Host unit test of the range tree (vm/range.c) against a plain array: random inserts and
   removals of overlapping ranges with repeated starts, checked after each step for order,
   AVL balance, subtree ends and count, and for the answers of range_find_meeting (first
   range meeting a span), range_each_meeting (every one, in order; stopping early) and
   range_next (the in-order walk).
   Also 100,000 disjoint ranges: the height stays logarithmic.
   Build: gcc -Isrc -DHOST_TEST -O1 -g src/tests/host/test_range.c -o test_range */
#define off_t libc_off_t
#include "tests/host/kernel_env.h"
#undef off_t
#include "vm/range.c"

#define POOL  600
#define STEPS 20000
#define BIG   100000

static struct vm_range pool[POOL];
static bool in_tree[POOL];
static struct vm_range big[BIG];

static uint64_t rng_state = 0x2545F4914F6CDD1DULL;
static uint64_t rng(void)
{
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* Checks the subtree at N: order after *LAST, heights, balance, largest end.
   Returns its node count; *LAST gets its last node. */
static size_t check_node(const struct vm_range *n, const struct vm_range **last)
{
  if (n == NULL)
    return 0;
  size_t cnt = check_node(n->left, last);
  if (*last != NULL)
    CHECK(range_before(*last, n));
  *last = n;
  int hl = range_height(n->left), hr = range_height(n->right);
  CHECK(n->height == 1 + (hl > hr ? hl : hr));
  CHECK(hl - hr <= 1 && hr - hl <= 1);
  uint64_t m = n->end;
  if (n->left != NULL && n->left->max_end > m)
    m = n->left->max_end;
  if (n->right != NULL && n->right->max_end > m)
    m = n->right->max_end;
  CHECK(n->max_end == m);
  return cnt + 1 + check_node(n->right, last);
}

static void check_shape(const struct range_tree *t)
{
  const struct vm_range *last = NULL;
  CHECK(check_node(t->root, &last) == t->count);
}

/* The array's answer: first range in tree order after AFTER meeting [START, END). */
static const struct vm_range *naive_next(uint64_t start, uint64_t end, const struct vm_range *after)
{
  const struct vm_range *best = NULL;
  for (int i = 0; i < POOL; i++) {
    const struct vm_range *r = &pool[i];
    if (!in_tree[i] || !(r->start < end && start < r->end))
      continue;
    if (after != NULL && !range_before(after, r))
      continue;
    if (best == NULL || range_before(r, best))
      best = r;
  }
  return best;
}

struct visit {
  const struct vm_range *last; /* last range visited */
  uint64_t start, end;
  size_t seen, stop_at;
};

/* range_each_meeting callback: each range must be the array's next one. */
static bool visit_check(const struct vm_range *r, void *aux)
{
  struct visit *v = aux;
  CHECK(r == naive_next(v->start, v->end, v->last));
  v->last = r;
  return ++v->seen != v->stop_at;
}

/* The first range meeting [START, END), and every one in order, from the tree and from the
   array; then a visit stopped after the first. */
static void check_query(const struct range_tree *t, uint64_t start, uint64_t end)
{
  CHECK(range_find_meeting(t, start, end) == naive_next(start, end, NULL));
  struct visit v = {NULL, start, end, 0, 0};
  CHECK(range_each_meeting(t, start, end, visit_check, &v));
  CHECK(naive_next(start, end, v.last) == NULL);
  struct visit once = {NULL, start, end, 0, 1};
  CHECK(range_each_meeting(t, start, end, visit_check, &once) == (v.seen == 0));
  CHECK(once.seen == (v.seen > 0 ? 1 : 0));
}

int main(void)
{
  struct range_tree t;
  range_tree_init(&t);
  CHECK(range_next(&t, NULL) == NULL);
  CHECK(range_find_meeting(&t, 0, UINT64_MAX) == NULL);

  /* Pages 0..255: short and long ranges, many sharing a start (like ELF segments). */
  for (int step = 0; step < STEPS; step++) {
    int i = (int)(rng() % POOL);
    if (in_tree[i]) {
      range_remove(&t, &pool[i]);
      in_tree[i] = false;
    } else {
      uint64_t s = rng() % 256, len = rng() % 8 == 0 ? rng() % 64 + 1 : rng() % 3 + 1;
      pool[i].start = s * PGSIZE;
      pool[i].end = (s + len) * PGSIZE;
      range_insert(&t, &pool[i]);
      in_tree[i] = true;
    }
    if (step % 97 == 0)
      check_shape(&t);
    uint64_t qs = rng() % 300 * PGSIZE, qlen = rng() % 4 == 0 ? (rng() % 40 + 1) * PGSIZE : 1;
    check_query(&t, qs, qs + qlen);
  }
  check_shape(&t);

  /* In-order walk visits each range once, in order. */
  size_t seen = 0;
  const struct vm_range *prev = NULL;
  for (const struct vm_range *r = range_next(&t, NULL); r != NULL; r = range_next(&t, r)) {
    if (prev != NULL)
      CHECK(range_before(prev, r));
    prev = r;
    seen++;
  }
  CHECK(seen == t.count);

  /* Emptying from the front, as vm_space_destroy does. */
  struct vm_range *r;
  while ((r = (struct vm_range *)range_next(&t, NULL)) != NULL)
    range_remove(&t, r);
  CHECK(t.root == NULL && t.count == 0);

  /* Disjoint mappings like cost-munmap's, inserted in address order. */
  struct range_tree b;
  range_tree_init(&b);
  for (int i = 0; i < BIG; i++) {
    big[i].start = 0x1000000000ULL + (uint64_t)i * 2 * PGSIZE;
    big[i].end = big[i].start + PGSIZE;
    range_insert(&b, &big[i]);
  }
  check_shape(&b);
  CHECK(b.root->height <= 25); /* 1.45 log2(100,002) = 24.1 */
  CHECK(range_find_meeting(&b, big[0].start, big[0].start + 1) == &big[0]);
  CHECK(range_find_meeting(&b, big[BIG / 2].start + 5, big[BIG / 2].start + 6) == &big[BIG / 2]);
  CHECK(range_find_meeting(&b, big[BIG - 1].end, big[BIG - 1].end + 1) == NULL);
  CHECK(range_find_meeting(&b, big[7].end, big[8].start) == NULL); /* the gap */
  CHECK(range_find_meeting(&b, big[7].end, big[9].start + 1) == &big[8]);
  for (int i = 0; i < BIG; i += 2)
    range_remove(&b, &big[i]);
  check_shape(&b);
  CHECK(b.count == BIG / 2);
  CHECK(range_find_meeting(&b, big[10].start, big[10].end) == NULL);
  CHECK(range_find_meeting(&b, big[11].start, big[11].end) == &big[11]);
  return host_finish("test_range");
}
