/* A file name that straddles a page boundary is read correctly. */
#include "tests/lib.h"

const char *test_name = "create-bound";

static char pages[2 * 4096] __attribute__((aligned(4096)));

void test_main(void)
{
  char *name = pages + 4096 - 5; /* "strad" | "dle" */
  strlcpy(name, "straddle", 16);
  create_file(name, 77);
  int fd = open_file("straddle");
  CHECK(filesize(fd) == 77, "\"straddle\" has size 77");
  close(fd);
}
