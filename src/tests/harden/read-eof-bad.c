/* read at end of file into a bad buffer kills the reader even though no byte would be
   copied (ABI 1: any bad buffer kills): an unmapped buffer, a read-only buffer (the
   program's code), a buffer half in an unmapped page past the end of a 10-byte file.
   A good buffer at end of file just reads 0. */
#include "tests/lib.h"
#include "tests/userprog/bad-ptrs.h"

const char *test_name = "read-eof-bad";

static char page_end[2 * 4096] __attribute__((aligned(4096)));

/* Forks a child named NAME that reads N bytes at the end of "ten" into BUF (skipping
   SKIP bytes first); returns its exit status (2 if the read returned). */
static int read_eof_child(const char *name, void *buf, unsigned n, unsigned skip)
{
  pid_t pid = fork(name);
  if (pid == 0) {
    int fd = open("ten");
    seek(fd, skip);
    read(fd, buf, n);
    exit(2);
  }
  return wait(pid);
}

void test_main(void)
{
  create_file("ten", 0);
  int fd = open_file("ten");
  write_all(fd, "0123456789", 10, 0);
  char buf[16];
  CHECK(read(fd, buf, sizeof buf) == 0, "read at end of file into a good buffer returns 0");
  close(fd);
  CHECK(read_eof_child("unmap-kid", BAD_UNMAPPED_PTR, 16, 10) == -1, "unmapped buffer kills");
  CHECK(read_eof_child("ro-kid", (void *)test_main, 16, 10) == -1, "read-only buffer kills");
  CHECK(read_eof_child("kern-kid", BAD_KERNEL_PTR, 16, 10) == -1, "kernel buffer kills");
  /* 10 bytes fit in the last 10 bytes of the stack page; the remaining 6 spill above the
     stack top, where nothing is mapped. */
  CHECK(read_eof_child("span-kid", STACK_TOP - 10, 16, 0) == -1,
        "buffer running off the stack kills");
  page_end[0] = 1;
  CHECK(read_eof_child("good-kid", page_end + 4096 - 8, 16, 0) == 2,
        "a good buffer spanning two pages is fine");
}
