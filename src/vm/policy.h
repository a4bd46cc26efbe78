#ifndef VM_POLICY_H
#define VM_POLICY_H

/* PRIVATE to src/vm. The eviction policy interface (policy.c). */

#include <stdbool.h>

struct frame;
struct vm_space;

struct evict_policy {
  const char *name;
  void (*add)(struct frame *);                  /* F now holds a page */
  void (*remove)(struct frame *, bool evicted); /* F leaves (freed, or chosen victim) */
  void (*begin)(void);                          /* a new victim search */
  struct frame *(*next)(void);                  /* next candidate, NULL when out */
};
const struct evict_policy *policy_find(const char *name);
/* The evictor's quick refusal (evict.c), for policies whose candidates have no side effect
   when offered: a space S such that the evictor would refuse every frame mapped by S alone
   and not fresh (struct frame), with nothing done; NULL if none. Valid while interrupts
   stay off (nothing else runs). Such policies pass over these frames (each still counts
   against the search's budget) instead of offering them one by one. */
const struct vm_space *evict_refused_space(void);
void policy_init(const struct evict_policy *, unsigned long seed);
/* Needs: frame_lock held, or F in no policy list (a frame being filled: then nothing is
   written). F's owners (rmap) or its freshness change now: a memo of frames the policy may
   pass over that includes F is forgotten. */
void policy_frame_changed(struct frame *f);
extern const struct evict_policy *vm_policy; /* frame.c */

#endif
