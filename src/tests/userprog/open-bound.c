/* A file name straddling a page boundary opens the right file. */
#include "tests/lib.h"

const char *test_name = "open-bound";

static char pages[2 * 4096] __attribute__((aligned(4096)));

void test_main(void)
{
  char *name = pages + 4096 - 3;
  create_file("spanner", 5);
  strlcpy(name, "spanner", 16);
  int fd = open(name);
  CHECK(fd > 1, "open of a name across pages");
  CHECK(filesize(fd) == 5, "it is \"spanner\" (size 5)");
  close(fd);
}
