/* A write whose growth cannot be had changes nothing: 100 MB past the end of file on a
   10 MB disk, and at offsets just below 2^31, write 0 bytes; the length stays 0, reads,
   mmap, later writes and the close at exit all behave. */
#include "tests/lib.h"

const char *test_name = "fs-grow-far";

void test_main(void)
{
  char buf[64];
  create_file("far", 0);
  int fd = open_file("far");
  seek(fd, 100 * 1024 * 1024);
  CHECK(write(fd, "x", 1) == 0, "write 100 MB past the end of a 10 MB disk writes 0 bytes");
  CHECK(filesize(fd) == 0, "length still 0");
  seek(fd, 0x7ffffff0);
  CHECK(write(fd, buf, sizeof buf) == 0, "write at 2^31 - 16 writes 0 bytes");
  seek(fd, 0x7fffffff);
  CHECK(write(fd, buf, 1) == 0, "write at 2^31 - 1 writes 0 bytes");
  seek(fd, 0xfffffff0u);
  CHECK(write(fd, buf, 1) == 0, "write at seek(2^32 - 16) writes 0 bytes");
  CHECK(filesize(fd) == 0, "length still 0");
  seek(fd, 0);
  CHECK(read(fd, buf, sizeof buf) == 0, "read at 0 returns 0");
  CHECK(mmap((void *)0x10000000, 4096, 0, fd, 0) == NULL, "mmap of the empty file refused");
  CHECK(write(fd, "abc", 3) == 3, "write of 3 bytes at 0 works");
  seek(fd, 8 * 1024 * 1024);
  CHECK(write(fd, "y", 1) == 1, "write at 8 MB (fits on the disk) works");
  CHECK(filesize(fd) == 8 * 1024 * 1024 + 1, "length 8 MB + 1");
  seek(fd, 4 * 1024 * 1024);
  CHECK(read(fd, buf, 4) == 4 && buf[0] == 0 && buf[3] == 0, "the gap reads as zeros");
  close(fd);
  fd = open_file("far");
  CHECK(read(fd, buf, 3) == 3 && memcmp(buf, "abc", 3) == 0, "reopened: \"abc\" at 0");
  seek(fd, 200 * 1024 * 1024);
  CHECK(write(fd, "z", 1) == 0, "write at 200 MB writes 0 bytes");
  CHECK(filesize(fd) == 8 * 1024 * 1024 + 1, "length unchanged");
  /* Left open: the close at exit must be clean too. */
}
