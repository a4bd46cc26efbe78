#ifndef LIB_STDLIB_H
#define LIB_STDLIB_H

#include <stddef.h>

int atoi(const char *s);
long strtol(const char *s, char **end, int base);
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

#endif
