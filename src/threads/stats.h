#ifndef THREADS_STATS_H
#define THREADS_STATS_H

#include <stdint.h>

/* Page-fault and swap counters, global and per process (struct process embeds one). */
struct fault_counters {
  uint64_t total, file, zero, stack, swapin, wp, invalid;
};

struct kernel_stats {
  struct fault_counters faults;
  uint64_t swap_in, swap_out;
  uint64_t entry_tsc;       /* rdtsc at the kernel's first instruction */
  uint64_t boot_tsc;        /* rdtsc at "Boot complete." */
  uint64_t kpool_boot_used; /* kernel pool pages in use at "Boot complete." */
};
extern struct kernel_stats kstats;

#endif
