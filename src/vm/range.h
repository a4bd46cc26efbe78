#ifndef VM_RANGE_H
#define VM_RANGE_H

/* PRIVATE to src/vm. Ranges of an address space (an ELF segment: exec.c; an mmap region:
   file.c; the stack reservation: anon.c) and the tree that holds them (range.c). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "filesys/file.h"
#include "vm/vm.h"

struct page_ops;
struct vm_range;

/* Behaviour of one kind of range. Generic code (space.c, fork.c) reaches it only through
   these. */
struct range_ops {
  const struct page_ops *pages; /* type of the pages it creates */
  /* NULL, or: may fault F create a page in RANGE? (the stack's rsp rule) */
  bool (*admit)(const struct vm_range *range, const struct vm_fault *f);
  /* NULL, or: fork's copy DST (a byte copy of SRC) takes its own resources; false if out
     of memory (DST is then freed without release). */
  bool (*copy)(struct vm_range *dst, const struct vm_range *src);
  /* NULL, or: releases what RANGE owns (a mapping's file handle). */
  void (*release)(struct vm_range *range);
  bool may_overlap; /* may share pages with other ranges that may (ELF segments) */
  bool unmappable;  /* munmap removes it */
};

extern const struct range_ops vm_segment_range, vm_mapping_range, vm_stack_range;

/* A span of an address space whose pages are created on first touch: an ELF segment, an
   mmap region or the stack reservation. */
struct vm_range {
  uint64_t start, end; /* page-aligned [start, end) */
  const struct range_ops *ops;
  bool writable;
  union {
    struct {
      uint64_t vaddr, filesz, file_ofs; /* exact ELF bounds */
    } seg;
    struct {
      struct file *file; /* own handle, closed when the mapping goes */
      off_t ofs, flen;   /* offset of START in the file; file length at mmap time */
    } map;
  };
  struct vm_range *left, *right; /* range.c's tree */
  uint64_t max_end;              /* largest end in this subtree */
  uint64_t seq;                  /* insertion number: order among equal starts */
  int height;
  bool inherited; /* copied at a lazy fork: its pages may still be the origin's (fork.c) */
};

/* The ranges of one address space. */
struct range_tree {
  struct vm_range *root;
  size_t count;
  uint64_t next_seq;
};
void range_tree_init(struct range_tree *);
/* Needs: R not in any tree. Guarantees: R in T (its tree fields are overwritten), after
   every range already there with the same start. */
void range_insert(struct range_tree *, struct vm_range *);
/* Needs: R in T. Guarantees: R out of T; R itself is the caller's. */
void range_remove(struct range_tree *, struct vm_range *);
/* The first range of T, in order of start then insertion, that meets [START, END); NULL
   if none. O(log n). */
const struct vm_range *range_find_meeting(const struct range_tree *, uint64_t start, uint64_t end);
/* Calls FN on every range of T meeting [START, END), in order, until FN returns false;
   returns false if it stopped early. FN must not change T. */
bool range_each_meeting(const struct range_tree *, uint64_t start, uint64_t end,
                        bool (*fn)(const struct vm_range *, void *), void *aux);
/* In-order walk: the range after AFTER (NULL: the first), or NULL at the end. AFTER may
   have been removed since. O(log n). */
const struct vm_range *range_next(const struct range_tree *, const struct vm_range *after);

#endif
