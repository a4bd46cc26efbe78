/* Writes store bytes at the current position, extend the file at its end, and overwrite
   in the middle. */
#include "tests/lib.h"

const char *test_name = "write-normal";

void test_main(void)
{
  static char data[5000];
  fill_random(data, sizeof data, 777);
  create_file("sink", 0);
  int fd = open_file("sink");
  write_all(fd, data, 2000, 7);
  write_all(fd, data + 2000, 3000, 0);
  CHECK(filesize(fd) == 5000, "file grew to 5000 bytes");
  seek(fd, 1234);
  memcpy(data + 1234, "OVERWRITE", 9);
  CHECK(write(fd, "OVERWRITE", 9) == 9, "overwrite 9 bytes in the middle");
  CHECK(filesize(fd) == 5000, "size still 5000");
  close(fd);
  check_file("sink", data, sizeof data);
}
