/* filesize follows the file's growth and is the same through every descriptor. */
#include "tests/lib.h"

const char *test_name = "filesize";

void test_main(void)
{
  static char block[700];
  create_file("measure", 123);
  int a = open_file("measure");
  int b = open_file("measure");
  CHECK(filesize(a) == 123, "size 123 through the first fd");
  seek(a, 123);
  write_all(a, block, sizeof block, 0);
  CHECK(filesize(b) == 823, "size 823 through the second fd after a write");
  close(a);
  close(b);
}
