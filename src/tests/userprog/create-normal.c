/* create makes an empty file and a zero-filled file of the given size; both can be opened
   and have the right size. */
#include "tests/lib.h"

const char *test_name = "create-normal";

void test_main(void)
{
  static char buf[1500];
  create_file("empty", 0);
  create_file("sized", 1500);
  int fd = open_file("empty");
  CHECK(filesize(fd) == 0, "\"empty\" has size 0");
  close(fd);
  fd = open_file("sized");
  CHECK(filesize(fd) == 1500, "\"sized\" has size 1500");
  memset(buf, 0x5a, sizeof buf);
  CHECK(read(fd, buf, sizeof buf) == 1500, "read 1500 bytes of \"sized\"");
  for (size_t i = 0; i < sizeof buf; i++)
    REQUIRE(buf[i] == 0, "byte %zu of a new file is %d, not 0", i, buf[i]);
  msg("all bytes are zero");
  close(fd);
}
