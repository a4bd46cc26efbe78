#include "lib/random.h"

/* xorshift64* (Marsaglia's xorshift with a multiplicative output step). The state never
   becomes zero, so seed 0 is mapped to a fixed non-zero constant. */
static uint64_t random_state = 0x9E3779B97F4A7C15ULL;

void random_init(uint64_t seed)
{
  random_state = seed ? seed * 0x2545F4914F6CDD1DULL | 1 : 0x9E3779B97F4A7C15ULL;
}

uint64_t random_u64(void)
{
  uint64_t x = random_state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  random_state = x;
  return x * 0x2545F4914F6CDD1DULL;
}

unsigned long random_ulong(void) { return (unsigned long)random_u64(); }

void random_bytes(void *buf, size_t n)
{
  unsigned char *p = buf;
  while (n > 0) {
    uint64_t r = random_u64();
    for (int i = 0; i < 8 && n > 0; i++, n--, r >>= 8)
      *p++ = (unsigned char)r;
  }
}
