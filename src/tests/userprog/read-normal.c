/* Reads return the bytes written, in pieces of several sizes, and 0 at end of file. */
#include "tests/lib.h"

const char *test_name = "read-normal";

void test_main(void)
{
  static char data[3000], got[3000];
  fill_random(data, sizeof data, 4242);
  create_file("source", 0);
  int fd = open_file("source");
  write_all(fd, data, sizeof data, 0);
  close(fd);
  fd = open_file("source");
  read_all(fd, got, 1000, 1); /* 1000 one-byte reads */
  read_all(fd, got + 1000, 1000, 333);
  read_all(fd, got + 2000, 1000, 0);
  compare_bytes(got, data, sizeof data, "data read back");
  msg("read back 3000 bytes");
  CHECK(read(fd, got, 10) == 0, "read at end of file returns 0");
  close(fd);
}
