/* A full root directory: creating empty files until create fails (at least 16); each
   file opens; one more create keeps failing; removing one makes room for exactly one. */
#include "tests/lib.h"

const char *test_name = "fs-dir-full";

#define DIR_CAP 4096

static void dir_name(char *buf, int i) { snprintf(buf, 15, "d%d", i); }

void test_main(void)
{
  char name[16];
  int n = 0;
  for (; n < DIR_CAP; n++) {
    dir_name(name, n);
    if (!create(name, 0))
      break;
  }
  CHECK(n >= 16 && n < DIR_CAP, "directory filled up after at least 16 files");
  CHECK(!create("extra", 0), "one more create fails");
  for (int i = 0; i < n; i++) {
    dir_name(name, i);
    int fd = open(name);
    REQUIRE(fd > 1, "open \"%s\"", name);
    close(fd);
  }
  msg("every file opens");
  dir_name(name, n / 2);
  CHECK(remove(name), "remove one");
  CHECK(create("extra", 0), "now one create succeeds");
  CHECK(!create("extra2", 0), "and the next fails");
  int fd = open("extra");
  CHECK(fd > 1 && write(fd, "hello", 5) == 5, "the new file is usable");
  close(fd);
}
