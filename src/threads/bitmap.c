#include "threads/bitmap.h"
#include "lib/debug.h"
#include "threads/malloc.h"

/* Bits are stored in 64-bit words, bit I in word I / 64 at position I % 64. Bits of the last
   word beyond bit_cnt are always zero, so whole-word operations never see stray ones. */
typedef uint64_t bitmap_word;
#define BITMAP_WORD_BITS 64

struct bitmap {
  size_t bit_cnt;
  bitmap_word *words;
};

static inline size_t bitmap_word_count(size_t bit_cnt)
{
  return (bit_cnt + BITMAP_WORD_BITS - 1) / BITMAP_WORD_BITS;
}

/* Mask of bits [LO, HI) inside one word, 0 <= LO < HI <= 64. */
static inline bitmap_word bitmap_range_mask(unsigned lo, unsigned hi)
{
  bitmap_word upper = hi == BITMAP_WORD_BITS ? ~(bitmap_word)0 : (((bitmap_word)1 << hi) - 1);
  return upper & ~(((bitmap_word)1 << lo) - 1);
}

/* Population count without libgcc (the kernel does not link it). */
static inline unsigned bitmap_popcount_word(bitmap_word w)
{
  w = w - ((w >> 1) & 0x5555555555555555ULL);
  w = (w & 0x3333333333333333ULL) + ((w >> 2) & 0x3333333333333333ULL);
  w = (w + (w >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return (unsigned)((w * 0x0101010101010101ULL) >> 56);
}

/* Bytes of storage bitmap_create_in_buf() needs for BIT_CNT bits. */
size_t bitmap_buf_size(size_t bit_cnt)
{
  return sizeof(struct bitmap) + bitmap_word_count(bit_cnt) * sizeof(bitmap_word);
}

/* Lays out a BIT_CNT-bit bitmap, all bits false, in BLOCK (at least bitmap_buf_size() bytes,
   8-byte aligned). The caller keeps ownership of BLOCK; never pass it to bitmap_destroy. */
struct bitmap *bitmap_create_in_buf(size_t bit_cnt, void *block, size_t block_size)
{
  struct bitmap *b = block;
  size_t n = bitmap_word_count(bit_cnt);
  size_t i;

  ASSERT(block_size >= bitmap_buf_size(bit_cnt));
  b->bit_cnt = bit_cnt;
  b->words = (bitmap_word *)(b + 1);
  for (i = 0; i < n; i++)
    b->words[i] = 0;
  return b;
}

/* Heap-allocated BIT_CNT-bit bitmap, all bits false; NULL if memory is short. */
struct bitmap *bitmap_create(size_t bit_cnt)
{
  size_t size = bitmap_buf_size(bit_cnt);
  void *block = malloc(size);
  if (block == NULL)
    return NULL;
  return bitmap_create_in_buf(bit_cnt, block, size);
}

/* Frees a bitmap made by bitmap_create(). NULL is ignored. */
void bitmap_destroy(struct bitmap *b) { free(b); }

size_t bitmap_size(const struct bitmap *b) { return b->bit_cnt; }

void bitmap_set(struct bitmap *b, size_t idx, bool value)
{
  bitmap_word bit;

  ASSERT(idx < b->bit_cnt);
  bit = (bitmap_word)1 << (idx % BITMAP_WORD_BITS);
  if (value)
    b->words[idx / BITMAP_WORD_BITS] |= bit;
  else
    b->words[idx / BITMAP_WORD_BITS] &= ~bit;
}

/* Sets bits [START, START + CNT) to VALUE, a word at a time in the middle of the range. */
void bitmap_set_multiple(struct bitmap *b, size_t start, size_t cnt, bool value)
{
  size_t end = start + cnt;
  size_t w, last;

  ASSERT(start <= b->bit_cnt && cnt <= b->bit_cnt - start);
  if (cnt == 0)
    return;
  w = start / BITMAP_WORD_BITS;
  last = (end - 1) / BITMAP_WORD_BITS;
  for (; w <= last; w++) {
    unsigned lo = w == start / BITMAP_WORD_BITS ? start % BITMAP_WORD_BITS : 0;
    unsigned hi = w == last ? (unsigned)((end - 1) % BITMAP_WORD_BITS) + 1 : BITMAP_WORD_BITS;
    bitmap_word mask = bitmap_range_mask(lo, hi);
    if (value)
      b->words[w] |= mask;
    else
      b->words[w] &= ~mask;
  }
}

bool bitmap_test(const struct bitmap *b, size_t idx)
{
  ASSERT(idx < b->bit_cnt);
  return (b->words[idx / BITMAP_WORD_BITS] >> (idx % BITMAP_WORD_BITS)) & 1;
}

/* Number of bits in [START, START + CNT) equal to VALUE. */
size_t bitmap_count(const struct bitmap *b, size_t start, size_t cnt, bool value)
{
  size_t end = start + cnt;
  size_t ones = 0;
  size_t w, last;

  ASSERT(start <= b->bit_cnt && cnt <= b->bit_cnt - start);
  if (cnt == 0)
    return 0;
  w = start / BITMAP_WORD_BITS;
  last = (end - 1) / BITMAP_WORD_BITS;
  for (; w <= last; w++) {
    unsigned lo = w == start / BITMAP_WORD_BITS ? start % BITMAP_WORD_BITS : 0;
    unsigned hi = w == last ? (unsigned)((end - 1) % BITMAP_WORD_BITS) + 1 : BITMAP_WORD_BITS;
    ones += bitmap_popcount_word(b->words[w] & bitmap_range_mask(lo, hi));
  }
  return value ? ones : cnt - ones;
}

/* Index of the first bit in [POS, LIMIT) equal to VALUE, or LIMIT if there is none
   (LIMIT <= bit_cnt). Whole words that cannot contain a match cost one comparison each. */
static size_t bitmap_find_next(const struct bitmap *b, size_t pos, size_t limit, bool value)
{
  size_t w = pos / BITMAP_WORD_BITS;
  bitmap_word invert = value ? 0 : ~(bitmap_word)0;
  bitmap_word word;

  if (pos >= limit)
    return limit;
  word = (b->words[w] ^ invert) & ~(((bitmap_word)1 << (pos % BITMAP_WORD_BITS)) - 1);
  for (;;) {
    if (word != 0) {
      size_t idx = w * BITMAP_WORD_BITS + (size_t)__builtin_ctzll(word);
      return idx < limit ? idx : limit;
    }
    if (++w * BITMAP_WORD_BITS >= limit)
      return limit;
    word = b->words[w] ^ invert;
  }
}

/* Finds the lowest START' >= START such that bits [START', START' + CNT) all equal VALUE,
   sets them to !VALUE and returns START'; BITMAP_ERROR if no such run exists. CNT == 0
   returns START (if START <= size) without changing anything. */
size_t bitmap_scan_and_flip(struct bitmap *b, size_t start, size_t cnt, bool value)
{
  size_t pos = start;

  if (start > b->bit_cnt)
    return BITMAP_ERROR;
  if (cnt == 0)
    return start;
  if (cnt == 1) {
    pos = bitmap_find_next(b, start, b->bit_cnt, value);
    if (pos >= b->bit_cnt)
      return BITMAP_ERROR;
    b->words[pos / BITMAP_WORD_BITS] ^= (bitmap_word)1 << (pos % BITMAP_WORD_BITS);
    return pos;
  }
  while (pos < b->bit_cnt && b->bit_cnt - pos >= cnt) {
    size_t first = bitmap_find_next(b, pos, b->bit_cnt, value);
    size_t stop;
    if (first >= b->bit_cnt || b->bit_cnt - first < cnt)
      break;
    stop = bitmap_find_next(b, first, first + cnt, !value);
    if (stop - first >= cnt) {
      bitmap_set_multiple(b, first, cnt, !value);
      return first;
    }
    pos = stop;
  }
  return BITMAP_ERROR;
}
