/* The ranges of an address space as an AVL tree ordered by (start, insertion number), each
   node also holding the largest end in its subtree. Ranges may overlap (ELF segments that
   share a page), so lookups are interval searches: the largest end lets a search skip any
   subtree that ends at or before the queried span. Height stays within 1.45 log2(n + 2),
   so every operation below is O(log n) (plus the ranges visited); walking all ranges in
   order with range_next is O(n log n). */

#include "vm/range.h"

void range_tree_init(struct range_tree *t)
{
  t->root = NULL;
  t->count = 0;
  t->next_seq = 0;
}

static int range_height(const struct vm_range *n) { return n != NULL ? n->height : 0; }

static uint64_t range_max_end(const struct vm_range *n) { return n != NULL ? n->max_end : 0; }

/* Needs: N's children up to date. Recomputes N's height and largest end. */
static void range_update(struct vm_range *n)
{
  int hl = range_height(n->left), hr = range_height(n->right);
  uint64_t ml = range_max_end(n->left), mr = range_max_end(n->right);
  n->height = 1 + (hl > hr ? hl : hr);
  n->max_end = n->end;
  if (ml > n->max_end)
    n->max_end = ml;
  if (mr > n->max_end)
    n->max_end = mr;
}

/* Needs: N has a left child. Returns the new subtree root (that child). */
static struct vm_range *range_rotate_right(struct vm_range *n)
{
  struct vm_range *l = n->left;
  n->left = l->right;
  l->right = n;
  range_update(n);
  range_update(l);
  return l;
}

/* Needs: N has a right child. Returns the new subtree root (that child). */
static struct vm_range *range_rotate_left(struct vm_range *n)
{
  struct vm_range *r = n->right;
  n->right = r->left;
  r->left = n;
  range_update(n);
  range_update(r);
  return r;
}

/* Needs: N's subtrees are AVL trees whose heights differ by at most 2. Returns the root of
   the same nodes rebalanced, with heights and largest ends up to date. */
static struct vm_range *range_rebalance(struct vm_range *n)
{
  range_update(n);
  int balance = range_height(n->left) - range_height(n->right);
  if (balance > 1) {
    if (range_height(n->left->left) < range_height(n->left->right))
      n->left = range_rotate_left(n->left);
    return range_rotate_right(n);
  }
  if (balance < -1) {
    if (range_height(n->right->right) < range_height(n->right->left))
      n->right = range_rotate_right(n->right);
    return range_rotate_left(n);
  }
  return n;
}

/* True if A sorts before B: lower start, or the same start and inserted earlier. */
static bool range_before(const struct vm_range *a, const struct vm_range *b)
{
  return a->start < b->start || (a->start == b->start && a->seq < b->seq);
}

static struct vm_range *range_insert_at(struct vm_range *n, struct vm_range *r)
{
  if (n == NULL)
    return r;
  if (range_before(r, n))
    n->left = range_insert_at(n->left, r);
  else
    n->right = range_insert_at(n->right, r);
  return range_rebalance(n);
}

void range_insert(struct range_tree *t, struct vm_range *r)
{
  r->left = r->right = NULL;
  r->seq = t->next_seq++;
  range_update(r);
  t->root = range_insert_at(t->root, r);
  t->count++;
}

/* Needs: N not NULL. Takes the first node of N's subtree out into *FIRST; returns the
   subtree's new root. */
static struct vm_range *range_take_first(struct vm_range *n, struct vm_range **first)
{
  if (n->left == NULL) {
    *first = n;
    return n->right;
  }
  n->left = range_take_first(n->left, first);
  return range_rebalance(n);
}

static struct vm_range *range_remove_at(struct vm_range *n, const struct vm_range *r)
{
  if (n == r) {
    if (n->right == NULL)
      return n->left;
    struct vm_range *next;
    struct vm_range *rest = range_take_first(n->right, &next);
    next->left = n->left;
    next->right = rest;
    return range_rebalance(next);
  }
  if (range_before(r, n))
    n->left = range_remove_at(n->left, r);
  else
    n->right = range_remove_at(n->right, r);
  return range_rebalance(n);
}

void range_remove(struct range_tree *t, struct vm_range *r)
{
  t->root = range_remove_at(t->root, r);
  t->count--;
}

const struct vm_range *range_find_meeting(const struct range_tree *t, uint64_t start, uint64_t end)
{
  /* A left subtree that ends past START holds the answer or, if it holds no range meeting
     the span, a range starting at or past END: then nothing at or right of its parent
     meets it either. So the search never turns back. */
  const struct vm_range *n = t->root;
  while (n != NULL && n->max_end > start && start < end) {
    if (n->left != NULL && n->left->max_end > start)
      n = n->left;
    else if (n->start >= end)
      return NULL;
    else if (start < n->end)
      return n;
    else
      n = n->right;
  }
  return NULL;
}

/* Needs: N not NULL, N->max_end > START. In-order visit of the nodes of N's subtree
   meeting [START, END); false once FN has returned false. Subtrees ending at or before
   START are never entered. */
static bool range_visit(const struct vm_range *n, uint64_t start, uint64_t end,
                        bool (*fn)(const struct vm_range *, void *), void *aux)
{
  for (;;) {
    if (n->left != NULL && n->left->max_end > start && !range_visit(n->left, start, end, fn, aux))
      return false;
    if (n->start >= end)
      return true;
    if (start < n->end && !fn(n, aux))
      return false;
    n = n->right;
    if (n == NULL || n->max_end <= start)
      return true;
  }
}

bool range_each_meeting(const struct range_tree *t, uint64_t start, uint64_t end,
                        bool (*fn)(const struct vm_range *, void *), void *aux)
{
  return start >= end || t->root == NULL || t->root->max_end <= start ||
         range_visit(t->root, start, end, fn, aux);
}

const struct vm_range *range_next(const struct range_tree *t, const struct vm_range *after)
{
  const struct vm_range *n = t->root, *next = NULL;
  while (n != NULL)
    if (after == NULL || range_before(after, n)) {
      next = n;
      n = n->left;
    } else
      n = n->right;
  return next;
}
