/* The VM's counters: one table names every counter for the STATS line (key) and the human
   lines (label, grouped by line). Fault kinds are counted by their own handlers in
   fault.c, evictions by frame.c, swap traffic by swap.c. */

#include "lib/stdio.h"
#include "vm/vm_int.h"

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

/* Adds one to counter K globally and, for per-process kinds, in PROC (may be NULL). */
void vm_count(struct vm_counters *proc, enum vm_stat k)
{
  vm_stats[k]++;
  if (proc != NULL && k < VM_PROC_CNT)
    proc->n[k]++;
}

void vm_print_stats(void)
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
  printf("Memory: %zu frames at peak, %zu pinned; %zu swap slots in use, %zu at peak\n",
         frame_peak(), frame_pinned_count(), swap_used(), swap_peak());
}

/* Appends " key=N" for counter K to BUF at *LEN (SIZE bytes). */
static void stat_append(char *buf, size_t size, int *len, const char *key, unsigned long long v)
{
  if ((size_t)*len < size)
    *len += snprintf(buf + *len, size - (size_t)*len, " %s=%llu", key, v);
}

int vm_format_stats(char *buf, size_t size)
{
  int len = 0;
  buf[0] = '\0';
  for (unsigned i = 0; i < sizeof first_keys / sizeof *first_keys; i++)
    stat_append(buf, size, &len, stat_names[first_keys[i]].key, vm_stats[first_keys[i]]);
  stat_append(buf, size, &len, "frames_peak", frame_peak());
  stat_append(buf, size, &len, "pages_touched", vm_pages_touched);
  stat_append(buf, size, &len, "fault_cycles", vm_fault_cycles);
  return len;
}

int vm_format_stats_more(char *buf, size_t size)
{
  int len = 0;
  buf[0] = '\0';
  for (unsigned k = 0; k < VM_STAT_CNT; k++) {
    bool first = false;
    for (unsigned i = 0; i < sizeof first_keys / sizeof *first_keys; i++)
      first |= first_keys[i] == k;
    if (!first)
      stat_append(buf, size, &len, stat_names[k].key, vm_stats[k]);
  }
  stat_append(buf, size, &len, "swap_used", swap_used());
  stat_append(buf, size, &len, "swap_peak", swap_peak());
  stat_append(buf, size, &len, "frames_pinned", frame_pinned_count());
  stat_append(buf, size, &len, "swap_out_cycles", swap_write_cycles);
  stat_append(buf, size, &len, "swap_in_cycles", swap_read_cycles);
  stat_append(buf, size, &len, "oom_kills", vm_oom_kills);
  stat_append(buf, size, &len, "oom_cycles", vm_oom_cycles);
  stat_append(buf, size, &len, "oom_cycles_max", vm_oom_cycles_max);
  return len;
}
