#ifndef VM_STATS_H
#define VM_STATS_H

/* PRIVATE to src/vm. The VM's counters (stats.c): one table gives each its STATS key and
   human name. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vm/vm.h"

extern uint64_t vm_stats[VM_STAT_CNT];
void vm_count(struct vm_counters *proc, enum vm_stat);
extern uint64_t vm_fault_cycles;
/* The counters' human lines ("Page faults: ...", up to "Evictions: ..."). */
void stats_print_counters(void);
/* Appends " KEY=V" to BUF (SIZE bytes) at *LEN. */
void stats_append(char *buf, size_t size, int *len, const char *key, unsigned long long v);
/* Appends every counter's " key=N": FIRST, those that were on the STATS line before swap
   existed, in their order there; else all the others, in table order. */
void stats_append_counters(char *buf, size_t size, int *len, bool first);

#endif
