/* A removed file stays readable and writable through descriptors opened before the
   remove, while new opens fail; a new file may take the name meanwhile. */
#include "tests/lib.h"

const char *test_name = "remove-open";

void test_main(void)
{
  static char data[2500], got[2500];
  fill_random(data, sizeof data, 31337);
  create_file("ghost", 0);
  int fd = open_file("ghost");
  write_all(fd, data, sizeof data, 0);
  CHECK(remove("ghost"), "remove \"ghost\" while open");
  CHECK(open("ghost") == -1, "open after remove fails");
  seek(fd, 0);
  read_all(fd, got, sizeof got, 0);
  compare_bytes(got, data, sizeof data, "removed file");
  msg("contents still readable");
  create_file("ghost", 9);
  seek(fd, 0);
  CHECK(filesize(fd) == 2500, "old descriptor still sees 2500 bytes");
  int fd2 = open_file("ghost");
  CHECK(filesize(fd2) == 9, "new \"ghost\" has size 9");
  close(fd);
  close(fd2);
}
