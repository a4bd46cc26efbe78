#ifndef LIB_KERNEL_CONSOLE_H
#define LIB_KERNEL_CONSOLE_H

#include <stddef.h>

void console_init(void);
/* Writes N bytes as one atomic console write (no other write interleaves). */
void console_write(const char *buf, size_t n);
/* After a panic: drop the console lock and write synchronously. */
void console_panic(void);

#endif
