/* open returns a descriptor other than 0 and 1 for an existing file; reads see its data. */
#include "tests/lib.h"

const char *test_name = "open-normal";

void test_main(void)
{
  char buf[16];
  create_file("greeting", 0);
  int fd = open_file("greeting");
  CHECK(write(fd, "hello, kestrel", 14) == 14, "write 14 bytes");
  close(fd);
  fd = open_file("greeting");
  CHECK(read(fd, buf, sizeof buf) == 14, "read returns 14 bytes");
  CHECK(memcmp(buf, "hello, kestrel", 14) == 0, "contents match");
  close(fd);
}
