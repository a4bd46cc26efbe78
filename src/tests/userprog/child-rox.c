/* Helper: while running, writing to its own executable must be refused (returns 0) and
   leave the file unchanged. */
#include "tests/lib.h"

const char *test_name = "child-rox";

int main(void)
{
  char before, after;
  int fd = open("child-rox");
  if (fd < 2)
    fail("open \"child-rox\"");
  REQUIRE(read(fd, &before, 1) == 1, "read own first byte");
  seek(fd, 0);
  char x = (char)~before;
  CHECK(write(fd, &x, 1) == 0, "write to own executable returns 0");
  seek(fd, 0);
  REQUIRE(read(fd, &after, 1) == 1, "reread own first byte");
  CHECK(after == before, "own executable unchanged");
  close(fd);
  return 0;
}
