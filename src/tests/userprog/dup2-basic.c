/* dup2 makes NEWFD another name for OLDFD's open file: same position, survives closing
   OLDFD, and can redirect stdout into a file and back. */
#include "tests/lib.h"

const char *test_name = "dup2-basic";

void test_main(void)
{
  char buf[32];
  create_file("dupe", 0);
  int fd = open_file("dupe");
  write_all(fd, "abcdef", 6, 0);
  CHECK(dup2(fd, 40) == 40, "dup2(fd, 40) returns 40");
  seek(40, 1);
  CHECK(tell(fd) == 1, "seek through 40 moves fd too");
  close(fd);
  CHECK(read(40, buf, 3) == 3 && memcmp(buf, "bcd", 3) == 0, "40 still reads after closing fd");
  CHECK(dup2(77, 41) == -1, "dup2 of an unopened fd returns -1");
  CHECK(dup2(1, 42) == 42, "dup2(1, 42) saves stdout");
  int r1 = dup2(40, 1); /* no output until stdout is restored */
  int w = write(1, "XYZ", 3);
  int r2 = dup2(42, 1);
  CHECK(r1 == 1 && w == 3 && r2 == 1, "stdout sent to the file and restored");
  seek(40, 0);
  CHECK(read(40, buf, sizeof buf) == 7 && memcmp(buf, "abcdXYZ", 7) == 0,
        "the redirected write went into the file");
  close(40);
  close(42);
}
