/* Names of up to 14 bytes work; a longer name makes create fail, not the process
   (ABI section 5), and creates nothing. */
#include "tests/lib.h"

const char *test_name = "create-long";

void test_main(void)
{
  static char huge[600];
  create_file("fourteen-bytes", 0);
  CHECK(!create("fifteen-bytes!!", 0), "create of a 15-byte name fails");
  CHECK(open("fifteen-bytes!!") == -1, "open of the 15-byte name fails");
  memset(huge, 'q', sizeof huge - 1);
  CHECK(!create(huge, 0), "create of a 599-byte name fails");
}
