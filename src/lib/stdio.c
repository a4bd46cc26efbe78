#include "lib/stdio.h"
#include <stdbool.h>
#include <stdint.h>
#include "lib/ctype.h"
#include "lib/string.h"

/* Formatted output shared by the kernel and user programs. format_output() does the
   conversion; the front ends differ only in where characters go. */

struct conversion {
  bool left, plus, space, zero, alt, group;
  int width;     /* -1 if absent */
  int precision; /* -1 if absent */
};

struct sink {
  void (*emit)(char, void *);
  void *aux;
  int count;
};

static void sink_put(struct sink *s, char c)
{
  s->emit(c, s->aux);
  s->count++;
}

static void sink_repeat(struct sink *s, char c, int n)
{
  while (n-- > 0)
    sink_put(s, c);
}

/* Emits the digits of V in BASE with the sign/prefix and padding rules of CONV. */
static void format_integer(struct sink *s, uint64_t v, bool negative, int base, bool upper,
                           const struct conversion *conv)
{
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char buf[64];
  int n = 0, group_cnt = 0;
  if (conv->precision != 0 || v != 0)
    do {
      if (conv->group && base == 10 && group_cnt == 3) {
        buf[n++] = ',';
        group_cnt = 0;
      }
      buf[n++] = digits[v % base];
      group_cnt++;
      v /= base;
    } while (v != 0);
  int zeros = conv->precision > n ? conv->precision - n : 0;
  const char *prefix = "";
  if (negative)
    prefix = "-";
  else if (conv->plus && base == 10)
    prefix = "+";
  else if (conv->space && base == 10)
    prefix = " ";
  else if (conv->alt && base == 16 && n > 0)
    prefix = upper ? "0X" : "0x";
  else if (conv->alt && base == 8 && zeros == 0)
    zeros = 1;
  int plen = strlen(prefix);
  int pad = conv->width - (n + zeros + plen);
  if (pad < 0)
    pad = 0;
  if (conv->zero && !conv->left && conv->precision < 0) {
    zeros += pad;
    pad = 0;
  }
  if (!conv->left)
    sink_repeat(s, ' ', pad);
  while (*prefix)
    sink_put(s, *prefix++);
  sink_repeat(s, '0', zeros);
  while (n > 0)
    sink_put(s, buf[--n]);
  if (conv->left)
    sink_repeat(s, ' ', pad);
}

static void format_string(struct sink *s, const char *str, const struct conversion *conv)
{
  if (str == NULL)
    str = "(null)";
  int len = conv->precision >= 0 ? (int)strnlen(str, conv->precision) : (int)strlen(str);
  int pad = conv->width > len ? conv->width - len : 0;
  if (!conv->left)
    sink_repeat(s, ' ', pad);
  for (int i = 0; i < len; i++)
    sink_put(s, str[i]);
  if (conv->left)
    sink_repeat(s, ' ', pad);
}

int format_output(const char *fmt, va_list ap, void (*emit)(char, void *), void *aux)
{
  struct sink s = {emit, aux, 0};
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      sink_put(&s, *fmt);
      continue;
    }
    fmt++;
    struct conversion conv = {false, false, false, false, false, false, -1, -1};
    for (;; fmt++) {
      if (*fmt == '-')
        conv.left = true;
      else if (*fmt == '+')
        conv.plus = true;
      else if (*fmt == ' ')
        conv.space = true;
      else if (*fmt == '0')
        conv.zero = true;
      else if (*fmt == '#')
        conv.alt = true;
      else if (*fmt == '\'')
        conv.group = true;
      else
        break;
    }
    if (*fmt == '*') {
      conv.width = va_arg(ap, int);
      if (conv.width < 0)
        conv.left = true, conv.width = -conv.width;
      fmt++;
    } else
      for (conv.width = isdigit(*fmt) ? 0 : -1; isdigit(*fmt); fmt++)
        conv.width = conv.width * 10 + (*fmt - '0');
    if (*fmt == '.') {
      fmt++;
      if (*fmt == '*') {
        conv.precision = va_arg(ap, int);
        fmt++;
      } else
        for (conv.precision = 0; isdigit(*fmt); fmt++)
          conv.precision = conv.precision * 10 + (*fmt - '0');
      if (conv.precision < 0)
        conv.precision = -1;
    }
    int size = 0; /* -2 hh, -1 h, 0 int, 1 long, 2 long long/size_t/ptrdiff/intmax */
    for (;; fmt++) {
      if (*fmt == 'h')
        size--;
      else if (*fmt == 'l')
        size++;
      else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j')
        size = 2;
      else
        break;
    }
    switch (*fmt) {
    case 'd':
    case 'i': {
      int64_t v = size >= 1 ? va_arg(ap, long) : va_arg(ap, int);
      if (size == -1)
        v = (short)v;
      else if (size <= -2)
        v = (signed char)v;
      format_integer(&s, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, false, &conv);
      break;
    }
    case 'u':
    case 'x':
    case 'X':
    case 'o': {
      uint64_t v = size >= 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
      if (size == -1)
        v = (unsigned short)v;
      else if (size <= -2)
        v = (unsigned char)v;
      int base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
      format_integer(&s, v, false, base, *fmt == 'X', &conv);
      break;
    }
    case 'p': {
      conv.alt = true;
      format_integer(&s, (uint64_t)va_arg(ap, void *), false, 16, false, &conv);
      break;
    }
    case 'c': {
      char c = (char)va_arg(ap, int);
      int pad = conv.width > 1 ? conv.width - 1 : 0;
      if (!conv.left)
        sink_repeat(&s, ' ', pad);
      sink_put(&s, c);
      if (conv.left)
        sink_repeat(&s, ' ', pad);
      break;
    }
    case 's':
      format_string(&s, va_arg(ap, const char *), &conv);
      break;
    case '%':
      sink_put(&s, '%');
      break;
    case '\0':
      return s.count;
    default:
      sink_put(&s, '%');
      sink_put(&s, *fmt);
      break;
    }
  }
  return s.count;
}

struct string_sink {
  char *buf;
  size_t size, len;
};

static void emit_to_string(char c, void *aux)
{
  struct string_sink *ss = aux;
  if (ss->len + 1 < ss->size)
    ss->buf[ss->len] = c;
  ss->len++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
  struct string_sink ss = {buf, size, 0};
  int n = format_output(fmt, ap, emit_to_string, &ss);
  if (size > 0)
    buf[ss.len < size ? ss.len : size - 1] = '\0';
  return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

/* printf collects output in a buffer and hands it to stdio_write in as few calls as possible,
   so a line up to the buffer size is one atomic console write. */
struct buffered_sink {
  char buf[512];
  size_t len;
};

static void emit_buffered(char c, void *aux)
{
  struct buffered_sink *b = aux;
  if (b->len == sizeof b->buf) {
    stdio_write(b->buf, b->len);
    b->len = 0;
  }
  b->buf[b->len++] = c;
}

int vprintf(const char *fmt, va_list ap)
{
  struct buffered_sink b;
  b.len = 0;
  int n = format_output(fmt, ap, emit_buffered, &b);
  if (b.len > 0)
    stdio_write(b.buf, b.len);
  return n;
}

int printf(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vprintf(fmt, ap);
  va_end(ap);
  return n;
}

int puts(const char *s)
{
  size_t n = strlen(s);
  char buf[256];
  if (n < sizeof buf) {
    memcpy(buf, s, n);
    buf[n] = '\n';
    stdio_write(buf, n + 1);
  } else {
    stdio_write(s, n);
    stdio_write("\n", 1);
  }
  return 0;
}

int putchar(int c)
{
  char ch = (char)c;
  stdio_write(&ch, 1);
  return (unsigned char)c;
}
