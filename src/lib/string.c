#include "lib/string.h"
#include <stdint.h>

/* The string and memory functions of the C library, shared by kernel and user programs.
   Bulk copies and fills use the string instructions (Intel SDM vol. 1, 7.3.9), which Bochs
   and QEMU execute far faster than a byte loop. */

void *memcpy(void *dst, const void *src, size_t n)
{
  void *d = dst;
  size_t q = n / 8;
  __asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(q) : : "memory");
  q = n % 8;
  __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(q) : : "memory");
  return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
  unsigned char *d = dst;
  const unsigned char *s = src;
  if (d <= s || d >= s + n)
    return memcpy(dst, src, n);
  /* Overlapping with dst above src: copy backwards. */
  d += n - 1;
  s += n - 1;
  __asm__ volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
  return dst;
}

void *memset(void *dst, int c, size_t n)
{
  void *d = dst;
  uint64_t pattern = (unsigned char)c * 0x0101010101010101ULL;
  size_t q = n / 8;
  __asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(pattern) : "memory");
  q = n % 8;
  __asm__ volatile("rep stosb" : "+D"(d), "+c"(q) : "a"(pattern) : "memory");
  return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
  const unsigned char *x = a, *y = b;
  for (size_t i = 0; i < n; i++)
    if (x[i] != y[i])
      return x[i] < y[i] ? -1 : 1;
  return 0;
}

void *memchr(const void *s, int c, size_t n)
{
  const unsigned char *p = s;
  for (size_t i = 0; i < n; i++)
    if (p[i] == (unsigned char)c)
      return (void *)(p + i);
  return NULL;
}

size_t strlen(const char *s)
{
  const char *p = s;
  while (*p)
    p++;
  return p - s;
}

size_t strnlen(const char *s, size_t max)
{
  size_t n = 0;
  while (n < max && s[n])
    n++;
  return n;
}

int strcmp(const char *a, const char *b)
{
  while (*a && *a == *b)
    a++, b++;
  return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
  for (; n > 0; n--, a++, b++) {
    if (*a != *b)
      return (unsigned char)*a - (unsigned char)*b;
    if (*a == '\0')
      return 0;
  }
  return 0;
}

char *strchr(const char *s, int c)
{
  for (;; s++) {
    if (*s == (char)c)
      return (char *)s;
    if (*s == '\0')
      return NULL;
  }
}

char *strrchr(const char *s, int c)
{
  const char *last = NULL;
  for (;; s++) {
    if (*s == (char)c)
      last = s;
    if (*s == '\0')
      return (char *)last;
  }
}

char *strstr(const char *hay, const char *needle)
{
  size_t n = strlen(needle);
  for (; *hay; hay++)
    if (strncmp(hay, needle, n) == 0)
      return (char *)hay;
  return n == 0 ? (char *)hay : NULL;
}

/* Copies at most SIZE-1 bytes of SRC and always terminates DST (if SIZE > 0).
   Returns strlen(SRC), so truncation shows as a result >= SIZE. */
size_t strlcpy(char *dst, const char *src, size_t size)
{
  size_t len = strlen(src);
  if (size > 0) {
    size_t n = len < size - 1 ? len : size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
  }
  return len;
}

size_t strlcat(char *dst, const char *src, size_t size)
{
  size_t dlen = strnlen(dst, size);
  if (dlen == size)
    return size + strlen(src);
  return dlen + strlcpy(dst + dlen, src, size - dlen);
}

/* Reentrant tokenizer: splits S at runs of characters in DELIMS. Pass S on the first call and
   NULL afterwards; SAVE holds the position between calls. */
char *strtok_r(char *s, const char *delims, char **save)
{
  if (s == NULL)
    s = *save;
  while (*s && strchr(delims, *s))
    s++;
  if (*s == '\0') {
    *save = s;
    return NULL;
  }
  char *tok = s;
  while (*s && !strchr(delims, *s))
    s++;
  if (*s) {
    *s = '\0';
    s++;
  }
  *save = s;
  return tok;
}
