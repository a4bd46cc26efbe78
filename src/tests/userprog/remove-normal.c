/* remove deletes a file: it can no longer be opened, its name can be created again, and
   removing it twice or removing a missing file fails. */
#include "tests/lib.h"

const char *test_name = "remove-normal";

void test_main(void)
{
  create_file("doomed", 40);
  CHECK(remove("doomed"), "remove \"doomed\"");
  CHECK(open("doomed") == -1, "open after remove fails");
  CHECK(!remove("doomed"), "second remove fails");
  CHECK(!remove("never-was"), "remove of a missing file fails");
  create_file("doomed", 5);
  int fd = open_file("doomed");
  CHECK(filesize(fd) == 5, "the new \"doomed\" has size 5");
  close(fd);
}
