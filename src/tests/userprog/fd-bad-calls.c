/* filesize, seek, tell and close on a descriptor that was never opened: filesize returns
   -1 and the others do nothing, or the process is killed. */
#include "tests/lib.h"

const char *test_name = "fd-bad-calls";

void test_main(void)
{
  CHECK(filesize(55) == -1, "filesize(55) returns -1");
  seek(55, 10);
  tell(55);
  close(55);
  msg("seek, tell and close on fd 55 returned");
}
