#ifndef LIB_STDIO_H
#define LIB_STDIO_H

#include <stdarg.h>
#include <stddef.h>
#include "lib/debug.h"

/* Supported conversions: %d %i %u %x %X %o %c %s %p %%, flags "-+ 0#'", width, precision,
   length modifiers hh h l ll z t j. The ' flag groups thousands with commas. */
int printf(const char *fmt, ...) PRINTF_FORMAT(1, 2);
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) PRINTF_FORMAT(3, 4);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int puts(const char *s);
int putchar(int c);

/* Calls EMIT(c, aux) for each produced character; returns the number produced. Shared by
   kernel and user formatted output. */
int format_output(const char *fmt, va_list ap, void (*emit)(char, void *), void *aux);

/* Provided by the environment (kernel console or user library): write N bytes atomically. */
void stdio_write(const char *buf, size_t n);

#endif
