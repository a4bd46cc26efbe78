/* Shared test-program helpers; see lib.h for the conventions. */

#include "tests/lib.h"
#include <stdarg.h>

/* Weak so that helper programs and the programs in src/programs, which define their own main() and
   no test_name/test_main, still link against this file. */
extern const char *test_name __attribute__((weak));
void test_main(void) __attribute__((weak));

int test_argc;
char **test_argv;

static const char *lib_name(void) { return &test_name != NULL && test_name ? test_name : "?"; }

/* Formats "(NAME) PREFIX MESSAGE\n" into one buffer and writes it in one call, so lines of
   concurrent processes never interleave inside a line. */
static void lib_vmsg(const char *prefix, const char *fmt, va_list ap)
{
  char buf[512];
  size_t n = (size_t)snprintf(buf, sizeof buf, "(%s) %s", lib_name(), prefix);
  if (n < sizeof buf - 1)
    n += (size_t)vsnprintf(buf + n, sizeof buf - n, fmt, ap);
  if (n > sizeof buf - 2)
    n = sizeof buf - 2;
  buf[n++] = '\n';
  write(1, buf, (unsigned)n);
}

void msg(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  lib_vmsg("", fmt, ap);
  va_end(ap);
}

void fail(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  lib_vmsg("FAIL: ", fmt, ap);
  va_end(ap);
  exit(1);
}

__attribute__((weak)) int main(int argc, char **argv)
{
  test_argc = argc;
  test_argv = argv;
  msg("begin");
  if (test_main)
    test_main();
  msg("end");
  return 0;
}

void fill_random(void *buf, size_t n, uint64_t seed)
{
  random_init(seed);
  random_bytes(buf, n);
}

void compare_bytes(const void *actual, const void *expected, size_t n, const char *what)
{
  const uint8_t *a = actual, *e = expected;
  for (size_t i = 0; i < n; i++)
    if (a[i] != e[i])
      fail("%s differs at byte %zu: got 0x%02x, expected 0x%02x", what, i, a[i], e[i]);
}

void create_file(const char *name, unsigned size)
{
  CHECK(create(name, size), "create \"%s\"", name);
}

int open_file(const char *name)
{
  int fd = open(name);
  CHECK(fd > 1, "open \"%s\"", name);
  return fd;
}

void write_all(int fd, const void *buf, size_t n, size_t chunk)
{
  const char *p = buf;
  if (chunk == 0)
    chunk = n;
  for (size_t done = 0; done < n;) {
    size_t len = n - done < chunk ? n - done : chunk;
    int r = write(fd, p + done, (unsigned)len);
    REQUIRE(r == (int)len, "write %zu bytes at offset %zu returned %d", len, done, r);
    done += len;
  }
}

void read_all(int fd, void *buf, size_t n, size_t chunk)
{
  char *p = buf;
  if (chunk == 0)
    chunk = n;
  for (size_t done = 0; done < n;) {
    size_t len = n - done < chunk ? n - done : chunk;
    int r = read(fd, p + done, (unsigned)len);
    REQUIRE(r == (int)len, "read %zu bytes at offset %zu returned %d", len, done, r);
    done += len;
  }
}

void check_file(const char *name, const void *expected, size_t n)
{
  static char chunk[4096];
  const char *e = expected;
  int fd = open(name);
  REQUIRE(fd > 1, "open \"%s\" for verification returned %d", name, fd);
  int size = filesize(fd);
  REQUIRE(size == (int)n, "\"%s\" has size %d, expected %zu", name, size, n);
  for (size_t done = 0; done < n;) {
    size_t len = n - done < sizeof chunk ? n - done : sizeof chunk;
    read_all(fd, chunk, len, 0);
    for (size_t i = 0; i < len; i++)
      REQUIRE(chunk[i] == e[done + i], "\"%s\" differs at byte %zu", name, done + i);
    done += len;
  }
  close(fd);
  msg("verified \"%s\"", name);
}

pid_t spawn(const char *child_name, const char *cmdline)
{
  pid_t pid = fork(child_name);
  REQUIRE(pid >= 0, "fork \"%s\" failed", child_name);
  if (pid == 0) {
    exec(cmdline);
    exit(-1);
  }
  return pid;
}

void pf_delta(void (*fn)(void *aux), void *aux, struct pfstat *delta)
{
  struct pfstat a, b;
  pfstat(&a);
  fn(aux);
  pfstat(&b);
  delta->total = b.total - a.total;
  delta->file = b.file - a.file;
  delta->zero = b.zero - a.zero;
  delta->stack = b.stack - a.stack;
  delta->swapin = b.swapin - a.swapin;
  delta->wp = b.wp - a.wp;
  delta->invalid = b.invalid - a.invalid;
}

void pf_print(const char *label, const struct pfstat *p)
{
  msg("%s: total %ld file %ld zero %ld stack %ld swapin %ld wp %ld invalid %ld", label, p->total,
      p->file, p->zero, p->stack, p->swapin, p->wp, p->invalid);
}

size_t pages_present(const void *start, size_t len)
{
  const char *p = (const char *)((uintptr_t)start & ~(uintptr_t)(PAGE_SIZE - 1));
  const char *end = (const char *)start + len;
  size_t n = 0;
  for (; p < end; p += PAGE_SIZE)
    if (frame_of(p) != 0)
      n++;
  return n;
}
