#ifndef VM_VM_H
#define VM_VM_H

/* Public interface of the virtual-memory subsystem, for userprog/ and start-up code.
   Everything here is architecture-neutral: the trap handler decodes the hardware bits into
   struct vm_fault before calling in. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "filesys/file.h"

struct vm_space;

/* Counters of the VM, in the order of the STATS line. The first VM_PROC_CNT are also kept
   per process (pfstat). One table in stats.c gives each its STATS key and human name. */
enum vm_stat {
  VM_PF_TOTAL,
  VM_PF_FILE,
  VM_PF_ZERO,
  VM_PF_STACK,
  VM_PF_SWAPIN,
  VM_PF_WP,
  VM_PF_INVALID,
  VM_PF_MAJOR,
  VM_PF_MINOR,
  VM_PF_WP_COPY,
  VM_PF_WP_REUSE,
  VM_FORK_COPIED,
  VM_PF_INHERIT,
  VM_PROC_CNT,
  VM_SWAP_IN = VM_PROC_CNT,
  VM_SWAP_OUT,
  VM_EVICT_SWAP,
  VM_EVICT_WRITE,
  VM_EVICT_DROP,
  VM_STAT_CNT
};

/* Per-process counters (embedded in struct process). MOVED: bit K set when counter K
   moved since the process's last fault record (the VM trace takes the fault's kind and cost
   from it and clears it). */
struct vm_counters {
  uint64_t n[VM_PROC_CNT];
  uint32_t moved;
};

/* How fork gives the child its pages (kernel option -fork=NAME). */
enum vm_fork_mode {
  VM_FORK_COW,   /* default: VM_FORK_SHARE for small processes, VM_FORK_LAZY for large */
  VM_FORK_EAGER, /* copy every resident private page at fork */
  VM_FORK_SHARE, /* share each resident page copy-on-write at fork: cost per page */
  VM_FORK_LAZY,  /* write-protect the parent in bulk; the child takes pages on first touch */
};

/* Boot-time choices (kernel options -evict=NAME, -fork=cow|eager|share|lazy, -seed=N). */
struct vm_options {
  const char *evict;      /* eviction policy name; NULL = default */
  enum vm_fork_mode fork; /* how fork copies */
  unsigned long seed;
};

/* True if NAME is a fork mode (cow, eager, share, lazy); sets *MODE. */
bool vm_fork_mode_parse(const char *name, enum vm_fork_mode *mode);
/* True if NAME is an eviction policy (checked while parsing the command line). */
bool vm_policy_exists(const char *name);
/* Names of the policies for the usage line, "clock|fifo|...". */
const char *vm_policy_names(void);
/* Sets up the frame table, the swap disk (if present) and the policy. Call once at boot,
   after the disks are probed. */
void vm_init(const struct vm_options *);

/* A page fault as the hardware reported it. */
struct vm_fault {
  uint64_t addr;    /* faulting linear address (CR2) */
  uint64_t rsp;     /* user stack pointer to judge stack growth by */
  bool write;       /* the access was a write */
  bool not_present; /* no translation (else a protection violation) */
  bool user;        /* the access came from user mode */
};

enum vm_fault_result {
  VM_FAULT_HANDLED, /* the page is present with its final rights: retry the access */
  VM_FAULT_INVALID, /* bad access: the process dies with exit(-1) */
  VM_FAULT_OOM,     /* legal access, but no memory or swap left: the process dies */
  VM_FAULT_BUSY,    /* (inside vm/ only) no frame now, other faults hold the candidates */
};

/* Resolves fault F in address space S, counting it in the global counters and in PROC
   (may be NULL). Takes S's lock; may sleep (disk I/O, eviction). */
enum vm_fault_result vm_fault_resolve(struct vm_space *s, const struct vm_fault *f,
                                      struct vm_counters *proc);

/* Call right after printing the exit line of a process: if a fault of this thread ran out
   of memory, the time from that allocation to this line is counted (make bench). */
void vm_oom_exit_line(void);
extern uint64_t vm_oom_kills, vm_oom_cycles, vm_oom_cycles_max;

/* Power-off statistics: the human lines, and the STATS fields (each " key=N") of the VM.
   vm_format_stats writes the fields that existed first (pf_*, swap_in, swap_out,
   frames_peak, pages_touched, fault_cycles), vm_format_stats_more the later ones. */
void vm_print_stats(void);
int vm_format_stats(char *buf, size_t size);
int vm_format_stats_more(char *buf, size_t size);

/* New empty address space with its own page table. NULL if out of memory. */
struct vm_space *vm_space_create(void);
/* Releases every page, frame, swap slot, mapping (dirty pages written back), the
   executable handle and the page table of S. S must not be the active page table. */
void vm_space_destroy(struct vm_space *s);
/* Gives S the executable handle FILE (S closes it when destroyed). */
void vm_space_set_exec(struct vm_space *s, struct file *file);
struct file *vm_space_exec(const struct vm_space *s);
uint64_t *vm_space_pml4(const struct vm_space *s);
/* Kernel address of the frame mapped at user address UADDR of S (plus offset), or NULL if
   none is mapped there now. */
void *vm_space_frame(struct vm_space *s, const void *uaddr);
/* Fills the empty space DST with SRC's contents for fork: ranges are copied (mappings get
   their own file handles), resident private pages shared copy-on-write (or copied under
   -fork=eager), swapped pages share their slot. PROC: the parent's counters. False if out
   of memory (DST then holds a partial copy: destroy it). */
bool vm_space_copy(struct vm_space *dst, struct vm_space *src, struct vm_counters *proc);

/* Records an ELF PT_LOAD segment in S: [VADDR, VADDR + MEMSZ) with its first FILESZ bytes
   read from the executable at FILE_OFS on first touch, zeros after. Segments may share a
   page. False if out of memory or the segment overlaps a mapping. */
bool vm_space_add_segment(struct vm_space *s, uint64_t vaddr, uint64_t memsz, uint64_t filesz,
                          uint64_t file_ofs, bool writable);
/* Reserves the stack area below STACK_TOP (ABI: up to 1 MiB, grown by faults near rsp) and
   maps its top page now with the PGSIZE bytes of CONTENTS. False if out of memory. */
bool vm_space_add_stack(struct vm_space *s, uint64_t stack_top, const void *contents);

/* ABI mmap: maps LEN bytes of FILE from OFS at ADDR in S using a new handle on FILE.
   Returns ADDR, or NULL if the request is invalid or memory is short. */
void *vm_mmap(struct vm_space *s, void *addr, size_t len, bool writable, struct file *file,
              off_t ofs);
/* ABI munmap: removes the mapping starting at ADDR (dirty pages written back). */
void vm_munmap(struct vm_space *s, void *addr);

#endif
