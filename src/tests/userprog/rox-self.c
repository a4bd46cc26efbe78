/* Writing to the running program's own executable returns 0 and changes nothing; reads
   still work. */
#include "tests/lib.h"

const char *test_name = "rox-self";

void test_main(void)
{
  char before[16], after[16];
  int fd = open_file("rox-self");
  CHECK(read(fd, before, sizeof before) == 16, "read the first 16 bytes");
  seek(fd, 0);
  CHECK(write(fd, "scribble-scribbl", 16) == 0, "write to own executable returns 0");
  seek(fd, 0);
  CHECK(read(fd, after, sizeof after) == 16, "read them again");
  CHECK(memcmp(before, after, 16) == 0, "executable unchanged");
  close(fd);
}
