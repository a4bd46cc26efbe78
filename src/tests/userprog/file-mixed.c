/* Two readers of one file and two writers of two other files run at once; afterwards
   every file holds what it should. */
#include "tests/lib.h"

const char *test_name = "file-mixed";

#define MIXED_SIZE (16 * 1024)

static char src[MIXED_SIZE], out[2][MIXED_SIZE], got[MIXED_SIZE];

void test_main(void)
{
  fill_random(src, sizeof src, 1);
  fill_random(out, sizeof out, 2);
  create_file("mix-src", 0);
  int fd = open_file("mix-src");
  write_all(fd, src, sizeof src, 0);
  close(fd);
  create_file("mix-a", 0);
  create_file("mix-b", 0);
  pid_t pids[4];
  for (int i = 0; i < 4; i++) {
    pids[i] = fork(i < 2 ? "mix-reader" : "mix-writer");
    if (pids[i] == 0) {
      int cfd = open(i < 2 ? "mix-src" : i == 2 ? "mix-a" : "mix-b");
      if (cfd < 2)
        exit(100);
      if (i < 2) {
        read_all(cfd, got, sizeof got, 700);
        if (memcmp(got, src, sizeof src) != 0)
          exit(101);
      } else {
        write_all(cfd, out[i - 2], MIXED_SIZE, 1100);
      }
      close(cfd);
      exit(i);
    }
    REQUIRE(pids[i] > 0, "fork %d", i);
  }
  for (int i = 0; i < 4; i++)
    CHECK(wait(pids[i]) == i, "child %d finished", i);
  check_file("mix-a", out[0], MIXED_SIZE);
  check_file("mix-b", out[1], MIXED_SIZE);
}
