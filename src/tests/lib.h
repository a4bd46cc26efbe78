#ifndef TESTS_LIB_H
#define TESTS_LIB_H

/* Test-program helpers shared by every user test suite.

   A test program defines
       const char *test_name = "NAME";
       void test_main(void) { ... }
   and the main() in lib.c prints "(NAME) begin", runs test_main(), prints "(NAME) end"
   and returns 0, so the kernel then prints "NAME: exit(0)". The command-line arguments
   are available in test_argc/test_argv. A program that wants full control (a helper child,
   for instance) defines its own main() instead; lib.c's main is weak. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/debug.h"
#include "lib/random.h"
#include "lib/stdio.h"
#include "lib/string.h"
#include "syscall.h"

extern const char *test_name;
void test_main(void);

extern int test_argc;
extern char **test_argv;

/* Prints "(NAME) MESSAGE" as one console write. */
void msg(const char *fmt, ...) PRINTF_FORMAT(1, 2);

/* Prints "(NAME) FAIL: MESSAGE" and exits with status 1. */
void fail(const char *fmt, ...) PRINTF_FORMAT(1, 2) NO_RETURN;

/* Prints the message with msg(); if COND is false, fails with the same message. */
#define CHECK(COND, ...)                                                                           \
  do {                                                                                             \
    if (COND)                                                                                      \
      msg(__VA_ARGS__);                                                                            \
    else                                                                                           \
      fail(__VA_ARGS__);                                                                           \
  } while (0)

/* Like CHECK but silent on success (for checks inside loops). */
#define REQUIRE(COND, ...)                                                                         \
  do {                                                                                             \
    if (!(COND))                                                                                   \
      fail(__VA_ARGS__);                                                                           \
  } while (0)

/* Fills BUF with N pseudo-random bytes, the same bytes for the same SEED. */
void fill_random(void *buf, size_t n, uint64_t seed);

/* Compares N bytes of ACTUAL against EXPECTED; on the first difference fails with a
   message naming WHAT and the offset. */
void compare_bytes(const void *actual, const void *expected, size_t n, const char *what);

/* Creates file NAME of SIZE zero bytes, failing the test if create fails (CHECK-style
   message "create \"NAME\""). */
void create_file(const char *name, unsigned size);

/* Opens NAME and returns the fd, failing the test if open fails (prints "open \"NAME\""). */
int open_file(const char *name);

/* Writes N bytes of BUF to FD in chunks of CHUNK bytes (CHUNK 0 = all at once), failing if
   any write is short. Silent. */
void write_all(int fd, const void *buf, size_t n, size_t chunk);

/* Reads N bytes from FD into BUF in chunks of CHUNK bytes (0 = all at once), failing on a
   short read. Silent. */
void read_all(int fd, void *buf, size_t n, size_t chunk);

/* Opens NAME, checks that its size is N and that its contents equal EXPECTED, closes it.
   Prints "verified \"NAME\"" on success. */
void check_file(const char *name, const void *expected, size_t n);

/* Runs "exec CMDLINE" in a forked child named CHILD_NAME and returns the child's pid
   (fails the test if fork fails; the child exits -1 if exec fails). */
pid_t spawn(const char *child_name, const char *cmdline);

/* Page-fault accounting for VM tests. Runs FN(AUX) between two pfstat snapshots and
   stores the counter differences in *DELTA. Run it once beforehand with a harmless AUX
   (same FN) so the code and stack pages involved are already present: then the delta
   counts only FN's own faults. */
void pf_delta(void (*fn)(void *aux), void *aux, struct pfstat *delta);

/* Prints "(NAME) LABEL: total T file F zero Z stack S swapin W wp P invalid I". */
void pf_print(const char *label, const struct pfstat *p);

/* Number of pages in [START, START + LEN) that are present now (int $0x42). */
size_t pages_present(const void *start, size_t len);

#define PAGE_SIZE 4096

#endif
