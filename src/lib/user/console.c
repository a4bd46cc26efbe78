/* Console glue for the shared formatted-output code in src/lib/stdio.c: each printf,
   puts or putchar hands its whole output here, and it becomes one write to stdout, which
   the kernel prints atomically (ABI section 1, write). */

#include "lib/stdio.h"
#include "syscall.h"

void stdio_write(const char *buf, size_t n)
{
  if (n > 0)
    write(1, buf, (unsigned)n);
}
