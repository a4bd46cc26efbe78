/* An empty file name is refused without killing the process. */
#include "tests/lib.h"

const char *test_name = "create-empty";

void test_main(void)
{
  CHECK(!create("", 0), "create \"\" fails");
  CHECK(open("") == -1, "open \"\" fails");
}
