/* A forked child inherits open descriptors: it reads the file through the parent's fd
   from the position the parent left. */
#include "tests/lib.h"

const char *test_name = "fork-fd";

void test_main(void)
{
  create_file("shared", 0);
  int fd = open_file("shared");
  write_all(fd, "abcdefgh", 8, 0);
  seek(fd, 5);
  pid_t pid = fork("fd-kid");
  if (pid == 0) {
    char buf[3];
    REQUIRE(read(fd, buf, 3) == 3, "child read through the inherited fd");
    REQUIRE(memcmp(buf, "fgh", 3) == 0, "child read the wrong bytes");
    msg("child read \"fgh\"");
    exit(0);
  }
  CHECK(wait(pid) == 0, "child exited with 0");
  close(fd);
}
