#ifndef LIB_KERNEL_LIST_H
#define LIB_KERNEL_LIST_H

#include <stdbool.h>
#include <stddef.h>

/* Intrusive circular doubly linked list with a sentinel head. An element is embedded in
   its owner; list_entry() recovers the owner. No allocation anywhere. */
struct list_elem {
  struct list_elem *prev, *next;
};
struct list {
  struct list_elem head;
};

#define list_entry(ELEM, STRUCT, MEMBER) ((STRUCT *)((char *)(ELEM)-offsetof(STRUCT, MEMBER)))

static inline void list_init(struct list *l) { l->head.prev = l->head.next = &l->head; }
static inline struct list_elem *list_begin(struct list *l) { return l->head.next; }
static inline struct list_elem *list_end(struct list *l) { return &l->head; }
static inline struct list_elem *list_next(struct list_elem *e) { return e->next; }
static inline struct list_elem *list_prev(struct list_elem *e) { return e->prev; }
static inline struct list_elem *list_rbegin(struct list *l) { return l->head.prev; }
static inline bool list_empty(const struct list *l) { return l->head.next == &l->head; }
static inline struct list_elem *list_front(struct list *l) { return l->head.next; }
static inline struct list_elem *list_back(struct list *l) { return l->head.prev; }

/* Inserts E just before BEFORE. */
static inline void list_insert(struct list_elem *before, struct list_elem *e)
{
  e->prev = before->prev;
  e->next = before;
  before->prev->next = e;
  before->prev = e;
}
static inline void list_push_back(struct list *l, struct list_elem *e) { list_insert(&l->head, e); }
static inline void list_push_front(struct list *l, struct list_elem *e)
{
  list_insert(l->head.next, e);
}
/* Unlinks E and returns the element after it. */
static inline struct list_elem *list_remove(struct list_elem *e)
{
  struct list_elem *n = e->next;
  e->prev->next = n;
  n->prev = e->prev;
  return n;
}
static inline struct list_elem *list_pop_front(struct list *l)
{
  struct list_elem *e = l->head.next;
  list_remove(e);
  return e;
}
static inline struct list_elem *list_pop_back(struct list *l)
{
  struct list_elem *e = l->head.prev;
  list_remove(e);
  return e;
}
size_t list_size(struct list *);

/* True if A orders before B. */
typedef bool list_less_func(const struct list_elem *a, const struct list_elem *b, void *aux);
/* Inserts E after every element not greater than it (stable). */
void list_insert_ordered(struct list *, struct list_elem *, list_less_func *, void *aux);
/* Greatest element by LESS (first one on ties); list must be non-empty. */
struct list_elem *list_max(struct list *, list_less_func *, void *aux);

#endif
