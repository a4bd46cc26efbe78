/* Four children write disjoint 6 kB stripes of one file at the same time (through their
   own descriptors, in small pieces); afterwards the parent finds every stripe intact. */
#include "tests/lib.h"

const char *test_name = "file-writers";

#define STRIPE (6 * 1024)

static char data[4 * STRIPE];

void test_main(void)
{
  fill_random(data, sizeof data, 66);
  create_file("shared-out", sizeof data);
  pid_t pids[4];
  for (int i = 0; i < 4; i++) {
    pids[i] = fork("writer");
    if (pids[i] == 0) {
      int wfd = open("shared-out");
      if (wfd < 2)
        exit(100);
      seek(wfd, (unsigned)(i * STRIPE));
      write_all(wfd, data + i * STRIPE, STRIPE, 97 + 31 * (size_t)i);
      close(wfd);
      exit(i);
    }
    REQUIRE(pids[i] > 0, "fork writer %d", i);
  }
  for (int i = 0; i < 4; i++)
    CHECK(wait(pids[i]) == i, "writer %d finished", i);
  check_file("shared-out", data, sizeof data);
}
