#ifndef THREADS_STATS_H
#define THREADS_STATS_H

#include <stdint.h>

/* Boot-time figures for the power-off statistics (the VM keeps its own counters: vm/). */
struct kernel_stats {
  uint64_t entry_tsc;       /* rdtsc at the kernel's first instruction */
  uint64_t boot_tsc;        /* rdtsc at "Boot complete." */
  uint64_t kpool_boot_used; /* kernel pool pages in use at "Boot complete." */
};
extern struct kernel_stats kstats;

#endif
