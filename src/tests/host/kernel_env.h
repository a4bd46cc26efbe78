/* Host-side stand-ins for the kernel environment, shared by the host unit tests of the
   memory subsystems: "physical memory" is an anonymous mapping placed at KERN_BASE, so the
   kernel's ptov()/vtop() work unchanged; the E820 map lives at physical 0x500 of it as the
   boot loader would leave it. Interrupt control is a no-op; PANIC either aborts the test or
   returns to a test that expects it (host_expect_panic). */
#ifndef TESTS_HOST_KERNEL_ENV_H
#define TESTS_HOST_KERNEL_ENV_H

/* Host tests hold themselves (and the kernel sources they include) to the kernel's
   warning flags, whatever flags the harness passes: -Wall -Wextra -Werror
   -Wno-unused-parameter. */
#pragma GCC diagnostic error "-Wall"
#pragma GCC diagnostic error "-Wextra"
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "threads/interrupt.h"
#include "threads/vaddr.h"

#define HOST_KERNEL_END_PA 0x40000ULL /* fake kernel image: 0x10000..0x40000 */
#define HOST_TABLES_PA     0x30000ULL /* mmu's static tables, inside the fake image */

uint64_t palloc_host_kernel_end_pa = HOST_KERNEL_END_PA;
uint64_t (*mmu_host_kernel_tables)[512];

static int host_failures;
static jmp_buf *host_panic_jmp;
static char host_panic_msg[256];

#define CHECK(COND)                                                                                \
  do {                                                                                             \
    if (!(COND)) {                                                                                 \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #COND);                     \
      host_failures++;                                                                             \
    }                                                                                              \
  } while (0)

static enum intr_level host_intr_level = INTR_ON;
enum intr_level intr_get_level(void) { return host_intr_level; }
enum intr_level intr_set_level(enum intr_level l)
{
  enum intr_level old = host_intr_level;
  host_intr_level = l;
  return old;
}
enum intr_level intr_disable(void) { return intr_set_level(INTR_OFF); }
enum intr_level intr_enable(void) { return intr_set_level(INTR_ON); }

void debug_panic(const char *file, int line, const char *function, const char *message, ...)
{
  va_list ap;
  va_start(ap, message);
  vsnprintf(host_panic_msg, sizeof host_panic_msg, message, ap);
  va_end(ap);
  if (host_panic_jmp != NULL)
    longjmp(*host_panic_jmp, 1);
  fprintf(stderr, "PANIC at %s:%d in %s: %s\n", file, line, function, host_panic_msg);
  exit(2);
}

/* Runs STMT and evaluates to true if it panicked. */
#define host_expect_panic(STMT)                                                                    \
  ({                                                                                               \
    jmp_buf jb_;                                                                                   \
    volatile int panicked_ = 0;                                                                    \
    host_panic_jmp = &jb_;                                                                         \
    if (setjmp(jb_) == 0) {                                                                        \
      STMT;                                                                                        \
    } else {                                                                                       \
      panicked_ = 1;                                                                               \
    }                                                                                              \
    host_panic_jmp = NULL;                                                                         \
    host_intr_level = INTR_ON;                                                                     \
    panicked_;                                                                                     \
  })

struct host_e820 {
  uint64_t base, length;
  uint32_t type, ext;
} __attribute__((packed));

static size_t host_ram_bytes;

/* Maps RAM_MB MiB of fake physical memory at KERN_BASE (once) and writes a Bochs-like E820
   map: low memory up to 0x9FC00, a hole to 1 MiB, usable RAM up to the top minus 64 KiB,
   then a 64 KiB ACPI-reclaimable region. */
static __attribute__((unused)) void host_ram_setup(size_t ram_mb)
{
  static void *mapped;
  size_t bytes = ram_mb << 20;
  struct host_e820 *e;

  if (mapped == NULL) {
    mapped = mmap((void *)KERN_BASE, 512u << 20, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE, -1, 0);
    if (mapped != (void *)KERN_BASE) {
      perror("mmap at KERN_BASE");
      exit(3);
    }
  }
  if (bytes > (512u << 20)) {
    fprintf(stderr, "fake RAM too large\n");
    exit(3);
  }
  host_ram_bytes = bytes;
  memset(ptov(0), 0, 0x10000);
  e = ptov(0x508);
  e[0] = (struct host_e820){0, 0x9FC00, 1, 1};
  e[1] = (struct host_e820){0x9FC00, 0x400, 2, 1};
  e[2] = (struct host_e820){0xE8000, 0x18000, 2, 1};
  e[3] = (struct host_e820){0x100000, bytes - 0x100000 - 0x10000, 1, 1};
  e[4] = (struct host_e820){bytes - 0x10000, 0x10000, 3, 1};
  *(uint32_t *)ptov(0x500) = 5;
  mmu_host_kernel_tables = ptov(HOST_TABLES_PA);
}

static __attribute__((unused)) int host_finish(const char *name)
{
  if (host_failures) {
    fprintf(stderr, "%s: %d check(s) failed\n", name, host_failures);
    return 1;
  }
  printf("%s: pass\n", name);
  return 0;
}

#endif
