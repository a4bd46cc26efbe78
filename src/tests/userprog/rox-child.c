/* An executable is write-protected exactly while some process runs it: writable before
   the child starts, refused (by the child itself) while it runs, writable after it
   exits. The bytes written are the original ones, so the program is never damaged. */
#include "tests/lib.h"

const char *test_name = "rox-child";

void test_main(void)
{
  char b;
  int fd = open_file("child-rox");
  CHECK(read(fd, &b, 1) == 1, "read the first byte of \"child-rox\"");
  seek(fd, 0);
  CHECK(write(fd, &b, 1) == 1, "write before it runs succeeds");
  CHECK(wait(spawn("child-rox", "child-rox")) == 0, "child-rox exited with 0");
  seek(fd, 0);
  CHECK(write(fd, &b, 1) == 1, "write after it exits succeeds");
  close(fd);
}
