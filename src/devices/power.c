#include "devices/power.h"
#include "devices/block.h"
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
#include "vm/vm.h"

/* Exit codes for QEMU's isa-debug-exit device (it exits with (code << 1) | 1). */
#define QEMU_EXIT_CLEAN 0x10
#define QEMU_EXIT_PANIC 0x20

/* Stops the emulator: the Bochs shutdown port 0x8900 first (Bochs treats port 0x501 as its
   VGA BIOS panic port), then QEMU's isa-debug-exit at 0x501, then ACPI PM1a at 0x604 (QEMU's
   default machine). Each is ignored where absent. */
static void machine_stop(uint8_t qemu_code) __attribute__((noreturn));
static void machine_stop(uint8_t qemu_code)
{
  serial_flush();
  intr_disable();
  for (const char *p = "Shutdown"; *p; p++)
    outb(0x8900, *p);
  outb(0x501, qemu_code);
  outw(0x604, 0x2000);
  for (;;)
    __asm__ volatile("cli; hlt");
}

/* Prints the readable statistics lines and the one machine-readable STATS line. */
static void power_print_stats(void)
{
  struct palloc_usage u;
  palloc_get_usage(&u);
  uint64_t tsc = rdtsc();
  int64_t ticks = timer_ticks();
  const struct fault_counters *f = &kstats.faults;
  printf("Timer: %lld ticks\n", (long long)ticks);
  thread_print_stats();
  block_print_stats();
  printf("Page faults: %llu total, %llu file, %llu zero, %llu stack, %llu swap-in, "
         "%llu write-protect, %llu invalid\n",
         (unsigned long long)f->total, (unsigned long long)f->file, (unsigned long long)f->zero,
         (unsigned long long)f->stack, (unsigned long long)f->swapin, (unsigned long long)f->wp,
         (unsigned long long)f->invalid);
  printf("Swap: %llu in, %llu out\n", (unsigned long long)kstats.swap_in,
         (unsigned long long)kstats.swap_out);
  printf("Pages: kernel pool %zu used of %zu (boot %llu), user pool %zu used of %zu\n",
         u.kernel_used, u.kernel_total, (unsigned long long)kstats.kpool_boot_used, u.user_used,
         u.user_total);
  printf("Cycles: %llu at power-off, %llu from kernel entry to Boot complete\n",
         (unsigned long long)tsc, (unsigned long long)(kstats.boot_tsc - kstats.entry_tsc));
  char disks[256] = "", vm[128] = "";
  block_format_stats(disks, sizeof disks);
  vm_format_stats(vm, sizeof vm);
  printf("STATS ticks=%lld idle_ticks=%lld kernel_ticks=%lld user_ticks=%lld tsc=%llu "
         "boot_tsc=%llu entry_tsc=%llu pf_total=%llu pf_file=%llu pf_zero=%llu pf_stack=%llu "
         "pf_swapin=%llu "
         "pf_wp=%llu pf_invalid=%llu swap_in=%llu swap_out=%llu%s%s kpool_used=%zu "
         "kpool_total=%zu kpool_boot=%llu upool_used=%zu upool_total=%zu\n",
         (long long)ticks, (long long)thread_idle_ticks, (long long)thread_kernel_ticks,
         (long long)thread_user_ticks, (unsigned long long)tsc, (unsigned long long)kstats.boot_tsc,
         (unsigned long long)kstats.entry_tsc, (unsigned long long)f->total,
         (unsigned long long)f->file, (unsigned long long)f->zero, (unsigned long long)f->stack,
         (unsigned long long)f->swapin, (unsigned long long)f->wp, (unsigned long long)f->invalid,
         (unsigned long long)kstats.swap_in, (unsigned long long)kstats.swap_out, disks, vm,
         u.kernel_used, u.kernel_total, (unsigned long long)kstats.kpool_boot_used, u.user_used,
         u.user_total);
}

void power_off(void)
{
  char fi[128];
  failinject_arm(false);
  if (failinject_format_stats(fi, sizeof fi) > 0)
    printf("FAILINJECT%s\n", fi);
  filesys_done();
  power_print_stats();
  printf("Powering off...\n");
  machine_stop(QEMU_EXIT_CLEAN);
}

void power_off_quiet(void)
{
  printf("Powering off after a kernel panic.\n");
  machine_stop(QEMU_EXIT_PANIC);
}
