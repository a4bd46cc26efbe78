#include "lib/kernel/list.h"

size_t list_size(struct list *l)
{
  size_t n = 0;
  for (struct list_elem *e = list_begin(l); e != list_end(l); e = list_next(e))
    n++;
  return n;
}

void list_insert_ordered(struct list *l, struct list_elem *elem, list_less_func *less, void *aux)
{
  struct list_elem *e = list_begin(l);
  while (e != list_end(l) && !less(elem, e, aux))
    e = list_next(e);
  list_insert(e, elem);
}

struct list_elem *list_max(struct list *l, list_less_func *less, void *aux)
{
  struct list_elem *best = list_begin(l);
  for (struct list_elem *e = list_next(best); e != list_end(l); e = list_next(e))
    if (less(best, e, aux))
      best = e;
  return best;
}
