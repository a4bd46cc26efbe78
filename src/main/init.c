#include "main/init.h"
#include <stdint.h>
#include "devices/ata.h"
#include "devices/block.h"
#include "devices/lpt.h"
#include "devices/serial.h"
#include "devices/timer.h"
#include "filesys/filesys.h"
#include "lib/debug.h"
#include "devices/console.h"
#include "lib/stdio.h"
#include "lib/stdlib.h"
#include "lib/string.h"
#include "tests/threads/tests.h"
#include "threads/failinject.h"
#include "threads/gdt.h"
#include "threads/interrupt.h"
#include "threads/io.h"
#include "threads/malloc.h"
#include "threads/mmu.h"
#include "threads/palloc.h"
#include "main/shutdown.h"
#include "threads/stats.h"
#include "threads/thread.h"
#include "threads/vaddr.h"
#include "userprog/console_interrupt.h"
#include "userprog/exception.h"
#include "userprog/process.h"
#include "userprog/syscall.h"
#include "vm/trace.h"
#include "vm/vm.h"

/* Kernel start-up: bring up the CPU tables, console, memory, threads and devices, then run
   the command line's actions and power off. */

size_t init_user_page_limit = SIZE_MAX;
unsigned long init_seed;
static struct vm_options vm_opts = {.evict = NULL, .fork = VM_FORK_COW};
static unsigned long init_ips;
struct kernel_stats kstats;
extern uint64_t kernel_entry_tsc;

#define CMDLINE_PHYS      0xFE00
#define CMDLINE_MAX_WORDS 64
static char *cmd_words[CMDLINE_MAX_WORDS + 1];
static int cmd_count;

/* Enables what the kernel relies on: FXSAVE/SSE for user programs (CR4.OSFXSR,
   CR4.OSXMMEXCPT, CR0.MP, not CR0.EM: Intel SDM vol. 3, 13.1.3), supervisor write protection
   (CR0.WP, so kernel writes honour read-only user pages: vol. 3, 4.6), and SYSCALL (EFER.SCE). */
static void cpu_init(void)
{
  uint64_t cr0, cr4;
  __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
  cr0 = (cr0 | (1 << 1) | (1 << 16)) & ~((1ULL << 2) | (1ULL << 3));
  __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
  __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
  cr4 |= (1 << 9) | (1 << 10);
  __asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
  uint32_t lo, hi;
  __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xC0000080));
  lo |= 1;
  __asm__ volatile("wrmsr" : : "a"(lo), "d"(hi), "c"(0xC0000080));
}

/* Splits the command-line sector ("CMDL", argc, NUL-terminated words) into cmd_words.
   A missing or malformed sector gives an empty command line. */
static void cmdline_read(void)
{
  const char *sector = ptov(CMDLINE_PHYS);
  if (memcmp(sector, "CMDL", 4) != 0)
    return;
  uint32_t argc;
  memcpy(&argc, sector + 4, 4);
  static char copy[512];
  memcpy(copy, sector + 8, 504);
  copy[504 - 1] = '\0';
  char *p = copy, *end = copy + 503;
  for (uint32_t i = 0; i < argc && i < CMDLINE_MAX_WORDS && p < end; i++) {
    cmd_words[cmd_count++] = p;
    p += strlen(p) + 1;
  }
}

static bool option_value(const char *word, const char *name, unsigned long *value)
{
  size_t n = strlen(name);
  if (strncmp(word, name, n) != 0 || word[n] != '=')
    return false;
  char *end;
  *value = (unsigned long)strtol(word + n + 1, &end, 10);
  return *end == '\0' && word[n + 1] != '\0';
}

/* Consumes leading options; returns the index of the first action, or -1 after printing a
   line about an unknown option. */
static int cmdline_parse_options(void)
{
  int i;
  for (i = 0; i < cmd_count && cmd_words[i][0] == '-'; i++) {
    unsigned long v;
    const char *w = cmd_words[i];
    if (!strcmp(w, "-q") || !strcmp(w, "-f"))
      continue;
    else if (!strcmp(w, "-v"))
      process_explain_kills = true;
    else if (option_value(w, "-ul", &v))
      init_user_page_limit = v;
    else if (option_value(w, "-seed", &v))
      init_seed = v;
    else if (option_value(w, "-ips", &v))
      init_ips = v;
    else if (!strncmp(w, "-evict=", 7) && vm_policy_exists(w + 7))
      vm_opts.evict = w + 7;
    else if (!strncmp(w, "-fork=", 6) && vm_fork_mode_parse(w + 6, &vm_opts.fork))
      continue;
    else if (!strncmp(w, "-fail=", 6) && failinject_configure(w + 6))
      continue;
    else if (!strncmp(w, "-ata=", 5) && ata_set_mode(w + 5))
      continue;
    else {
      printf("Unknown option: %s (options: -q -f -v -ul=PAGES -seed=N -ips=N -evict=%s "
             "-fork=cow|eager|share|lazy -fail=SPEC -ata=page|sector -trace)\n",
             w, vm_policy_names());
      return -1;
    }
  }
  return i;
}

/* Runs CMDLINE: a kernel self-test if its first word names one, else a user program. */
static void action_run(const char *cmdline)
{
  printf("Executing '%s':\n", cmdline);
  char name[64];
  size_t len = 0;
  while (cmdline[len] != '\0' && cmdline[len] != ' ')
    len++;
  if (len >= sizeof name)
    len = sizeof name - 1;
  memcpy(name, cmdline, len);
  name[len] = '\0';
  const struct selftest *t = selftest_find(name);
  if (t != NULL)
    t->function();
  else {
    /* Injected faults hit user programs only: a self-test checks its own allocations. */
    failinject_arm(true);
    tid_t tid = process_create_initd(cmdline);
    if (tid != TID_ERROR)
      process_wait(tid);
    process_wait_all();
    failinject_arm(false);
  }
  printf("Execution of '%s' complete.\n", cmdline);
}

static void actions_run(int first)
{
  for (int i = first; i < cmd_count; i++) {
    const char *a = cmd_words[i];
    if (!strcmp(a, "run")) {
      if (i + 1 >= cmd_count) {
        printf("Action `run' needs an argument: run 'PROGRAM ARGS'\n");
        return;
      }
      action_run(cmd_words[++i]);
    } else {
      printf("Unknown action: %s (actions: run 'PROGRAM ARGS')\n", a);
      return;
    }
  }
}

int main(void) NO_RETURN;
int main(void)
{
  gdt_init();
  intr_init();
  cpu_init();
  serial_init();
  lpt_init();
  cmdline_read();
  int first_action = cmdline_parse_options();
  mmu_init();
  palloc_init(init_user_page_limit);
  malloc_init();
  thread_init();
  console_init();
  serial_init_irq();
  printf("Kestrel booting with %llu kB RAM...\n", (unsigned long long)(palloc_ram_bytes / 1024));
  if (first_action < 0)
    shutdown_power_off();
  if (init_seed) {
    timer_set_seed(init_seed, init_ips);
    thread_set_random_slices(true);
  }
  timer_init();
  exception_init();
  syscall_init(shutdown_power_off);
  intr_set_user_return(console_interrupt_check);
  serial_set_interrupt_key(CONSOLE_INTERRUPT_KEY, console_interrupt_key);
  thread_start();
  ata_init();
  filesys_init();
  vm_opts.seed = init_seed;
  vm_init(&vm_opts);

  struct palloc_usage u;
  palloc_get_usage(&u);
  kstats.kpool_boot_used = u.kernel_used;
  kstats.entry_tsc = kernel_entry_tsc;
  kstats.boot_tsc = rdtsc();
  printf("Boot complete.\n");
  timer_reset_gap();
  actions_run(first_action);
  shutdown_power_off();
}
