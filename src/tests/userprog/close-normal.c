/* close releases a descriptor: reading through it afterwards fails (or kills), while a
   fresh open works. Only the non-fatal part is checked here. */
#include "tests/lib.h"

const char *test_name = "close-normal";

void test_main(void)
{
  create_file("shut", 3);
  int fd = open_file("shut");
  close(fd);
  msg("closed");
  int fd2 = open_file("shut");
  CHECK(filesize(fd2) == 3, "reopened file has size 3");
  close(fd2);
}
