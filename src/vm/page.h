#ifndef VM_PAGE_H
#define VM_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "filesys/file.h"
#include "lib/kernel/list.h"

/* Internal VM types shared by vm.c, uninit.c, anon.c, file.c and frame.c. Nothing outside
   src/vm/ should need this header except process.c for struct vm_space's opaque use. */

enum vm_type { VM_UNINIT, VM_ANON, VM_FILE };

struct page;
struct frame;
struct vm_space;

/* Behaviour of one page type. Every page, whatever its type, is handled through these
   four entry points, so the fault path, fork and exit never switch on the type. */
struct page_ops {
  enum vm_type type;
  /* Needs: PAGE not resident, KVA a fresh frame (contents undefined). Fills KVA with the
     page's contents and may change PAGE->ops (uninit turns into its target type).
     False if the backing store could not be read. */
  bool (*swap_in)(struct page *page, void *kva);
  /* Needs: PAGE resident. Saves its contents to backing store so the frame can be reused.
     False if there is no room. (Eviction comes with the swap issue.) */
  bool (*swap_out)(struct page *page);
  /* Releases the backing store owned by PAGE (swap slot, dirty write-back for file
     pages). The frame, if any, is still mapped and is freed by the caller afterwards. */
  void (*destroy)(struct page *page);
};

/* A lazily loaded page of an executable: up to VM_LAZY_CHUNKS byte ranges copied from the
   executable (several PT_LOAD segments may share a page), zeros elsewhere. */
#define VM_LAZY_CHUNKS 4
struct lazy_chunk {
  uint16_t page_ofs;
  uint16_t len; /* 1..4096, page_ofs + len <= 4096 */
  off_t file_ofs;
};
struct uninit_page {
  enum vm_type target; /* type the page becomes on first touch (VM_ANON) */
  uint8_t chunk_cnt;   /* 0: a pure zero page */
  struct lazy_chunk chunks[VM_LAZY_CHUNKS];
};

struct anon_page {
  size_t swap_slot; /* SIZE_MAX while resident or never swapped */
};

/* A memory-mapped file region (ABI mmap). Owns its own file handle. */
struct vm_mapping {
  void *start;
  size_t page_cnt;
  struct file *file; /* from file_reopen, closed at munmap/exit */
  struct list_elem elem;
};
struct file_page {
  struct vm_mapping *map;
  off_t ofs;           /* file offset of the page's first byte */
  uint32_t read_bytes; /* bytes backed by the file, the rest reads as zero */
};

/* One user page of an address space. */
struct page {
  void *va;               /* page-aligned user address */
  struct page *hash_next; /* bucket chain of the supplemental page table */
  const struct page_ops *ops;
  struct vm_space *space; /* owning address space */
  struct frame *frame;    /* NULL while not resident */
  bool writable;
  union {
    struct uninit_page uninit;
    struct anon_page anon;
    struct file_page file;
  };
};

/* An address space: hardware page table, supplemental page table, the executable it runs
   (kept open with writes denied, also the backing store of lazy pages) and its mappings.
   The supplemental page table is a chained hash table keyed by page number: a fault looks
   one page up in O(1) on average, and fork/exit walk every page by walking the buckets,
   without the 4-level descent a radix tree mirroring the page table would cost for
   sparse layouts (code at 0x400000, stack at 0x47480000). It doubles when the load factor
   exceeds 2. */
struct vm_space {
  uint64_t *pml4;
  struct page **buckets;
  size_t bucket_cnt; /* power of two */
  size_t page_cnt;
  struct file *exec_file;
  struct list mappings;
};

extern const struct page_ops vm_uninit_ops, vm_anon_ops, vm_file_ops;

void vm_uninit_init(struct page *, enum vm_type target);
void vm_anon_init(struct page *);
void vm_file_init(struct page *, struct vm_mapping *, off_t ofs, uint32_t read_bytes);

#endif
