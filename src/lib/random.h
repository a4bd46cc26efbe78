#ifndef LIB_RANDOM_H
#define LIB_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/* Deterministic pseudo-random generator (xorshift64*). Same seed, same sequence. */
void random_init(uint64_t seed);
uint64_t random_u64(void);
unsigned long random_ulong(void);
void random_bytes(void *buf, size_t n);

#endif
