/* Two opens of one file give two distinct descriptors with independent positions. */
#include "tests/lib.h"

const char *test_name = "open-twice";

void test_main(void)
{
  char c;
  create_file("pair", 0);
  int fd = open_file("pair");
  write_all(fd, "0123456789", 10, 0);
  close(fd);
  int a = open_file("pair");
  int b = open_file("pair");
  CHECK(a != b, "descriptors differ");
  CHECK(read(a, &c, 1) == 1 && c == '0', "first read through a gives '0'");
  CHECK(read(a, &c, 1) == 1 && c == '1', "second read through a gives '1'");
  CHECK(read(b, &c, 1) == 1 && c == '0', "first read through b gives '0'");
  close(a);
  CHECK(read(b, &c, 1) == 1 && c == '1', "b still works after closing a");
  close(b);
}
