/* seek moves the position used by read and write, tell reports it; seeking past the end
   is allowed (reads there return 0), and a write there extends the file with a zero gap. */
#include "tests/lib.h"

const char *test_name = "seek-tell";

void test_main(void)
{
  char buf[8];
  create_file("cursor", 0);
  int fd = open_file("cursor");
  write_all(fd, "abcdefghij", 10, 0);
  CHECK(tell(fd) == 10, "tell after writing 10 bytes is 10");
  seek(fd, 3);
  CHECK(tell(fd) == 3, "tell after seek 3 is 3");
  CHECK(read(fd, buf, 4) == 4 && memcmp(buf, "defg", 4) == 0, "read 4 bytes at 3 gives \"defg\"");
  CHECK(tell(fd) == 7, "tell is now 7");
  seek(fd, 50);
  CHECK(tell(fd) == 50, "tell after seek past the end is 50");
  CHECK(read(fd, buf, 4) == 0, "read past the end returns 0");
  CHECK(write(fd, "Z", 1) == 1, "write at 50");
  CHECK(filesize(fd) == 51, "file size is now 51");
  seek(fd, 10);
  memset(buf, 'x', sizeof buf);
  CHECK(read(fd, buf, 8) == 8, "read the gap");
  for (int i = 0; i < 8; i++)
    REQUIRE(buf[i] == 0, "gap byte %d is %d", i, buf[i]);
  msg("gap is zero");
  close(fd);
}
