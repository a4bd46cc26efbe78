#include "lib/stdlib.h"
#include "lib/ctype.h"
#include "lib/string.h"

int atoi(const char *s) { return (int)strtol(s, NULL, 10); }

/* Parses an optionally signed integer in BASE (0 = detect 0x / 0 prefixes). */
long strtol(const char *s, char **end, int base)
{
  while (isspace(*s))
    s++;
  int neg = 0;
  if (*s == '-' || *s == '+')
    neg = *s++ == '-';
  if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    s += 2, base = 16;
  else if (base == 0)
    base = s[0] == '0' ? 8 : 10;
  unsigned long v = 0;
  for (;; s++) {
    int d;
    if (isdigit(*s))
      d = *s - '0';
    else if (isalpha(*s))
      d = tolower(*s) - 'a' + 10;
    else
      break;
    if (d >= base)
      break;
    v = v * base + d;
  }
  if (end)
    *end = (char *)s;
  return neg ? -(long)v : (long)v;
}

static void swap_bytes(char *a, char *b, size_t n)
{
  while (n--) {
    char t = *a;
    *a++ = *b;
    *b++ = t;
  }
}

/* Heap sort: O(n log n) worst case, no recursion, no allocation. */
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
  char *a = base;
  for (size_t start = n / 2; n > 1;) {
    size_t root;
    if (start > 0)
      root = --start;
    else {
      n--;
      swap_bytes(a, a + n * size, size);
      root = 0;
    }
    for (;;) {
      size_t child = 2 * root + 1;
      if (child >= n)
        break;
      if (child + 1 < n && cmp(a + child * size, a + (child + 1) * size) < 0)
        child++;
      if (cmp(a + root * size, a + child * size) >= 0)
        break;
      swap_bytes(a + root * size, a + child * size, size);
      root = child;
    }
  }
}
