#ifndef THREADS_MALLOC_H
#define THREADS_MALLOC_H

#include <stddef.h>

void malloc_init(void);
void *malloc(size_t);
void *calloc(size_t, size_t);
void *realloc(void *, size_t);
void free(void *);

#endif
