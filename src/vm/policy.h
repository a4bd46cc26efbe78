#ifndef VM_POLICY_H
#define VM_POLICY_H

/* PRIVATE to src/vm. The eviction policy interface (policy.c). */

#include <stdbool.h>

struct frame;

struct evict_policy {
  const char *name;
  void (*add)(struct frame *);                  /* F now holds a page */
  void (*remove)(struct frame *, bool evicted); /* F leaves (freed, or chosen victim) */
  void (*begin)(void);                          /* a new victim search */
  struct frame *(*next)(void);                  /* next candidate, NULL when out */
};
const struct evict_policy *policy_find(const char *name);
/* The evictor's quick refusal (evict.c), for policies whose candidates have no side effect
   when offered: true if the evictor would certainly refuse F, and offering it would change
   nothing. Such policies pass over these frames (each still counts against the search's
   budget) instead of offering them one by one. */
bool evict_would_refuse(const struct frame *f);
void policy_init(const struct evict_policy *, unsigned long seed);
extern const struct evict_policy *vm_policy; /* frame.c */

#endif
