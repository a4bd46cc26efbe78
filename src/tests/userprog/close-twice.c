/* Closing a descriptor twice either is ignored or kills the process; the kernel must
   survive either way. */
#include "tests/lib.h"

const char *test_name = "close-twice";

void test_main(void)
{
  create_file("dup", 0);
  int fd = open_file("dup");
  close(fd);
  msg("first close done");
  close(fd);
  msg("second close done");
}
