#ifndef DEVICES_CONSOLE_H
#define DEVICES_CONSOLE_H

#include <stddef.h>

void console_init(void);
/* Writes N bytes as one atomic console write (no other write interleaves). */
void console_write(const char *buf, size_t n);
/* console_panic, for the panic paths: lib/debug.h. */

#endif
