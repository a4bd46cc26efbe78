/* The VM's entry points that tie its parts together: start-up (frame table, eviction
   policy, swap, fork mode) and the power-off statistics (the
   counters with the frame and swap figures). Nothing in src/vm calls into this file. */

#include "lib/stdio.h"
#include "vm/evict.h"
#include "vm/fork.h"
#include "vm/frame.h"
#include "vm/page.h"
#include "vm/policy.h"
#include "vm/stats.h"
#include "vm/swap.h"
#include "vm/trace.h"
#include "vm/vm.h"

void vm_init(const struct vm_options *opt)
{
  const struct evict_policy *p = opt->evict != NULL ? policy_find(opt->evict) : NULL;
  frame_table_init(evict_one);
  policy_init(p != NULL ? p : policy_find("hotcold"), opt->seed);
  swap_init();
  vm_fork_mode = opt->fork;
  VM_TRACE(vm_trace_start());
}

void vm_print_stats(void)
{
  stats_print_counters();
  printf("Memory: %zu frames at peak, %zu pinned; %zu swap slots in use, %zu at peak\n",
         frame_peak(), frame_pinned_count(), swap_used(), swap_peak());
}

int vm_format_stats(char *buf, size_t size)
{
  int len = 0;
  buf[0] = '\0';
  stats_append_counters(buf, size, &len, true);
  stats_append(buf, size, &len, "frames_peak", frame_peak());
  stats_append(buf, size, &len, "pages_touched", vm_pages_touched);
  stats_append(buf, size, &len, "fault_cycles", vm_fault_cycles);
  return len;
}

int vm_format_stats_more(char *buf, size_t size)
{
  int len = 0;
  buf[0] = '\0';
  stats_append_counters(buf, size, &len, false);
  stats_append(buf, size, &len, "swap_used", swap_used());
  stats_append(buf, size, &len, "swap_peak", swap_peak());
  stats_append(buf, size, &len, "frames_pinned", frame_pinned_count());
  stats_append(buf, size, &len, "swap_out_cycles", swap_write_cycles);
  stats_append(buf, size, &len, "swap_in_cycles", swap_read_cycles);
  stats_append(buf, size, &len, "oom_kills", vm_oom_kills);
  stats_append(buf, size, &len, "oom_cycles", vm_oom_cycles);
  stats_append(buf, size, &len, "oom_cycles_max", vm_oom_cycles_max);
  return len;
}
