/* Shut-down: the file system's last writes, then the power-off statistics (human lines and
   the machine-readable STATS line, docs/design.md), then devices/power.c stops the
   machine. The console (COM1) gets the Timer and Thread lines; when the parallel port is
   there, the other statistics go to it, after the console has sent everything before them,
   so that the serial line's time at 115,200 baud is not spent on them at every power-off.
   The launchers put that channel's text back at its place, before `Powering off...`. */

#include "main/shutdown.h"
#include "devices/block.h"
#include "devices/console.h"
#include "devices/lpt.h"
#include "devices/power.h"
#include "devices/serial.h"
#include "devices/timer.h"
#include "filesys/filesys.h"
#include "lib/stdio.h"
#include "threads/failinject.h"
#include "threads/interrupt.h"
#include "threads/io.h"
#include "threads/palloc.h"
#include "threads/stats.h"
#include "threads/thread.h"
#include "vm/trace.h"
#include "vm/vm.h"

/* Counters read at one instant (interrupts off), so ticks and the per-thread ticks agree. */
struct stats_snapshot {
  uint64_t tsc;
  int64_t ticks, idle, kernel, user;
  struct palloc_usage pools;
};

static void stats_take(struct stats_snapshot *s)
{
  enum intr_level old = intr_disable();
  s->tsc = rdtsc();
  s->ticks = timer_ticks();
  s->idle = thread_idle_ticks;
  s->kernel = thread_kernel_ticks;
  s->user = thread_user_ticks;
  palloc_get_usage(&s->pools);
  intr_set_level(old);
}

/* Prints the readable statistics lines and the one machine-readable STATS line: the first
   two on the console, the rest on the parallel port when there is one. */
static void stats_print(const struct stats_snapshot *s)
{
  const struct palloc_usage *u = &s->pools;
  printf("Timer: %lld ticks\n", (long long)s->ticks);
  printf("Thread: %lld idle ticks, %lld kernel ticks, %lld user ticks\n", (long long)s->idle,
         (long long)s->kernel, (long long)s->user);
  if (lpt_present()) {
    serial_flush();
    console_divert(lpt_write);
  }
  block_print_stats();
  vm_print_stats();
  printf("Pages: kernel pool %zu used of %zu (boot %llu), user pool %zu used of %zu\n",
         u->kernel_used, u->kernel_total, (unsigned long long)kstats.kpool_boot_used, u->user_used,
         u->user_total);
  printf("Cycles: %llu at power-off, %llu from kernel entry to Boot complete\n",
         (unsigned long long)s->tsc, (unsigned long long)(kstats.boot_tsc - kstats.entry_tsc));
  char disks[256] = "", vm[384] = "", more[512] = "", tmr[48] = "";
  block_format_stats(disks, sizeof disks);
  vm_format_stats(vm, sizeof vm);
  vm_format_stats_more(more, sizeof more);
  timer_format_stats(tmr, sizeof tmr);
  printf("STATS ticks=%lld idle_ticks=%lld kernel_ticks=%lld user_ticks=%lld tsc=%llu "
         "boot_tsc=%llu entry_tsc=%llu%s%s kpool_used=%zu kpool_total=%zu kpool_boot=%llu "
         "upool_used=%zu upool_total=%zu%s%s\n",
         (long long)s->ticks, (long long)s->idle, (long long)s->kernel, (long long)s->user,
         (unsigned long long)s->tsc, (unsigned long long)kstats.boot_tsc,
         (unsigned long long)kstats.entry_tsc, vm, disks, u->kernel_used, u->kernel_total,
         (unsigned long long)kstats.kpool_boot_used, u->user_used, u->user_total, more, tmr);
  console_divert(NULL);
}

void shutdown_power_off(void)
{
  failinject_arm(false);
  char fi[128];
  if (failinject_format_stats(fi, sizeof fi) > 0)
    printf("FAILINJECT%s\n", fi);
  filesys_done();
  VM_TRACE(vm_trace_flush());
  struct stats_snapshot s;
  stats_take(&s);
  stats_print(&s);
  power_off();
}
