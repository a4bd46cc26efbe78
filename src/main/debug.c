#include "lib/debug.h"
#include <stdarg.h>
#include <stdint.h>
#include "devices/power.h"
#include "devices/console.h"
#include "lib/stdio.h"
#include "threads/interrupt.h"
#include "threads/vaddr.h"

extern char _kernel_start[], _kernel_end[];

/* Walks the frame-pointer chain (the kernel is built with -fno-omit-frame-pointer: each frame
   holds the caller's rbp, then the return address) and prints return addresses on one line,
   starting with FIRST if non-zero. Stops at a pointer outside kernel memory. */
void debug_backtrace_from(uint64_t first, uint64_t rbp)
{
  printf("Call stack:");
  if (first)
    printf(" %#llx", (unsigned long long)first);
  for (int depth = 0; depth < 32; depth++) {
    if (rbp < KERN_BASE || (rbp & 7) != 0)
      break;
    uint64_t *frame = (uint64_t *)rbp;
    uint64_t ret = frame[1];
    if (ret < (uint64_t)_kernel_start || ret >= (uint64_t)_kernel_end)
      break;
    printf(" %#llx", (unsigned long long)(ret - 1));
    rbp = frame[0];
  }
  printf("\n");
}

void debug_backtrace(void) { debug_backtrace_from(0, (uint64_t)__builtin_frame_address(0)); }

/* Reports a kernel bug and stops the machine. A panic inside a panic only stops. */
void debug_panic(const char *file, int line, const char *function, const char *message, ...)
{
  static int depth;
  intr_disable();
  console_panic();
  if (++depth == 1) {
    va_list ap;
    printf("Kernel PANIC at %s:%d in %s(): ", file, line, function);
    va_start(ap, message);
    vprintf(message, ap);
    va_end(ap);
    printf("\n");
    debug_backtrace();
  }
  power_off_quiet();
}
