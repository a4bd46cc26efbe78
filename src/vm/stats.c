/* The VM's counters: one table names every counter for the STATS line (key) and the human
   lines (label, grouped by line). Fault kinds are counted by their own handlers in
   fault.c (inherit.c for faults a lazy fork's take resolved), evictions by evict.c, swap
   traffic by swap.c. vm.c prints them with the frame and swap figures. */

#include "lib/stdio.h"
#include "vm/stats.h"
#include "vm/swap.h"
#include "vm/trace.h"

uint64_t vm_stats[VM_STAT_CNT];
uint64_t vm_fault_cycles;

struct stat_name {
  const char *key;   /* STATS key */
  const char *label; /* human line: "N label" */
  unsigned line;     /* which human line */
};

static const char *const line_titles[] = {"Page faults", "Faults by cost", "Swap", "Evictions"};

static const struct stat_name stat_names[VM_STAT_CNT] = {
    [VM_PF_TOTAL] = {"pf_total", "total", 0},
    [VM_PF_FILE] = {"pf_file", "file", 0},
    [VM_PF_ZERO] = {"pf_zero", "zero", 0},
    [VM_PF_STACK] = {"pf_stack", "stack", 0},
    [VM_PF_SWAPIN] = {"pf_swapin", "swap-in", 0},
    [VM_PF_WP] = {"pf_wp", "write-protect", 0},
    [VM_PF_INVALID] = {"pf_invalid", "invalid", 0},
    [VM_PF_MAJOR] = {"pf_major", "major", 1},
    [VM_PF_MINOR] = {"pf_minor", "minor", 1},
    [VM_PF_WP_COPY] = {"pf_wp_copy", "write-protect copies", 1},
    [VM_PF_WP_REUSE] = {"pf_wp_reuse", "write-protect reuses", 1},
    [VM_FORK_COPIED] = {"fork_copied", "frames copied at fork", 1},
    [VM_PF_INHERIT] = {"pf_inherit", "inherited", 0},
    [VM_SWAP_IN] = {"swap_in", "in", 2},
    [VM_SWAP_OUT] = {"swap_out", "out", 2},
    [VM_EVICT_SWAP] = {"evict_swap", "to swap", 3},
    [VM_EVICT_WRITE] = {"evict_write", "written back", 3},
    [VM_EVICT_DROP] = {"evict_drop", "dropped", 3},
};

/* Keys that were on the STATS line before swap existed, in their order there. */
static const enum vm_stat first_keys[] = {VM_PF_TOTAL,   VM_PF_FILE,   VM_PF_ZERO,
                                          VM_PF_STACK,   VM_PF_SWAPIN, VM_PF_WP,
                                          VM_PF_INVALID, VM_SWAP_IN,   VM_SWAP_OUT};

/* Sets bit K of PROC's moved counters (vm_counters.moved): one BTS (SDM vol. 2, BTS: a
   register bit offset below 32 on a 32-bit operand). */
static inline void stats_mark_moved(struct vm_counters *proc, enum vm_stat k)
{
  __asm__("btsl %1, %0" : "+m"(proc->moved) : "r"((uint32_t)k) : "cc");
}

/* Adds one to counter K globally and, for per-process kinds, in PROC (may be NULL), where
   it also marks K as moved. */
void vm_count(struct vm_counters *proc, enum vm_stat k)
{
  vm_stats[k]++;
  if (proc != NULL && k < VM_PROC_CNT) {
    proc->n[k]++;
    VM_TRACE(stats_mark_moved(proc, k));
  }
}

void stats_print_counters(void)
{
  for (unsigned line = 0; line < sizeof line_titles / sizeof *line_titles; line++) {
    printf("%s:", line_titles[line]);
    const char *sep = " ";
    for (unsigned k = 0; k < VM_STAT_CNT; k++)
      if (stat_names[k].line == line) {
        printf("%s%llu %s", sep, (unsigned long long)vm_stats[k], stat_names[k].label);
        sep = ", ";
      }
    printf("\n");
  }
}

void stats_append(char *buf, size_t size, int *len, const char *key, unsigned long long v)
{
  if ((size_t)*len < size)
    *len += snprintf(buf + *len, size - (size_t)*len, " %s=%llu", key, v);
}

/* True if counter K is one of FIRST_KEYS. */
static bool stats_is_first(unsigned k)
{
  for (unsigned i = 0; i < sizeof first_keys / sizeof *first_keys; i++)
    if (first_keys[i] == k)
      return true;
  return false;
}

void stats_append_counters(char *buf, size_t size, int *len, bool first)
{
  if (first) {
    for (unsigned i = 0; i < sizeof first_keys / sizeof *first_keys; i++)
      stats_append(buf, size, len, stat_names[first_keys[i]].key, vm_stats[first_keys[i]]);
    return;
  }
  for (unsigned k = 0; k < VM_STAT_CNT; k++)
    if (!stats_is_first(k))
      stats_append(buf, size, len, stat_names[k].key, vm_stats[k]);
}
