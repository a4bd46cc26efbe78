#ifndef THREADS_BITMAP_H
#define THREADS_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fixed-size bit array. Arch-neutral; host-unit-tested (tests/host). */
struct bitmap;
#define BITMAP_ERROR SIZE_MAX

size_t bitmap_buf_size(size_t bit_cnt);
/* Builds a bitmap of BIT_CNT bits (all false) in caller-owned BLOCK of bitmap_buf_size(). */
struct bitmap *bitmap_create_in_buf(size_t bit_cnt, void *block, size_t block_size);
struct bitmap *bitmap_create(size_t bit_cnt); /* malloc'd; NULL on failure */
void bitmap_destroy(struct bitmap *);
size_t bitmap_size(const struct bitmap *);
void bitmap_set(struct bitmap *, size_t idx, bool);
void bitmap_set_multiple(struct bitmap *, size_t start, size_t cnt, bool);
bool bitmap_test(const struct bitmap *, size_t idx);
size_t bitmap_count(const struct bitmap *, size_t start, size_t cnt, bool);
/* Finds CNT consecutive bits equal to VALUE at or after START, flips them, returns the first
   index, or BITMAP_ERROR. */
size_t bitmap_scan_and_flip(struct bitmap *, size_t start, size_t cnt, bool value);

#endif
