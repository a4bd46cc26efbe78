#ifndef DEVICES_CONSOLE_H
#define DEVICES_CONSOLE_H

#include <stddef.h>

void console_init(void);
/* Writes N bytes as one atomic console write (no other write interleaves). */
void console_write(const char *buf, size_t n);
/* Sends the kernel's own printf output to WRITE instead of the console until called with
   NULL (the power-off statistics: main/shutdown.c). User writes still reach the console. */
void console_divert(void (*write)(const char *, size_t));
/* console_panic, for the panic paths: lib/debug.h. */

#endif
