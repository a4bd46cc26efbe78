/* Creating a file that already exists fails and leaves the old file untouched. */
#include "tests/lib.h"

const char *test_name = "create-exists";

void test_main(void)
{
  create_file("twice", 10);
  CHECK(!create("twice", 300), "second create of \"twice\" fails");
  int fd = open_file("twice");
  CHECK(filesize(fd) == 10, "\"twice\" still has size 10");
  close(fd);
}
