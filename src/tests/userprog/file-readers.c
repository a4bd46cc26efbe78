/* Four children read one 24 kB file at the same time, each through its own descriptor
   and with its own piece size, and verify every byte. Exit lines are not compared (the
   children finish in no fixed order); the parent reports each status in order. */
#include "tests/lib.h"

const char *test_name = "file-readers";

#define FILE_READERS_SIZE (24 * 1024)

static char data[FILE_READERS_SIZE], got[FILE_READERS_SIZE];

void test_main(void)
{
  fill_random(data, sizeof data, 55);
  create_file("shared-in", 0);
  int fd = open_file("shared-in");
  write_all(fd, data, sizeof data, 0);
  close(fd);
  pid_t pids[4];
  for (int i = 0; i < 4; i++) {
    pids[i] = fork("reader");
    if (pids[i] == 0) {
      int rfd = open("shared-in");
      if (rfd < 2)
        exit(100);
      for (int pass = 0; pass < 3; pass++) {
        seek(rfd, 0);
        read_all(rfd, got, sizeof got, 500 + 1000 * (size_t)i);
        if (memcmp(got, data, sizeof data) != 0)
          exit(101);
      }
      close(rfd);
      exit(i);
    }
    REQUIRE(pids[i] > 0, "fork reader %d", i);
  }
  for (int i = 0; i < 4; i++)
    CHECK(wait(pids[i]) == i, "reader %d verified the file 3 times", i);
}
