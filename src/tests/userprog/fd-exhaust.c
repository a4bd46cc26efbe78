/* Opening one file over and over eventually fails with -1 (a per-process limit, at least
   64 descriptors in all); closing one descriptor makes room for exactly one more open,
   and after closing them all opening works again. */
#include "tests/lib.h"

const char *test_name = "fd-exhaust";

#define FD_EXHAUST_CAP 4096

static int fds[FD_EXHAUST_CAP];

void test_main(void)
{
  create_file("many", 1);
  int n = 0;
  while (n < FD_EXHAUST_CAP && (fds[n] = open("many")) != -1) {
    REQUIRE(fds[n] > 1, "open returned %d", fds[n]);
    n++;
  }
  REQUIRE(n < FD_EXHAUST_CAP, "open never failed in %d tries", FD_EXHAUST_CAP);
  CHECK(n + 2 >= 64, "opened until open returned -1 (at least 64 descriptors in all)");
  close(fds[n / 2]);
  int again = open("many");
  CHECK(again != -1, "open works after one close");
  CHECK(open("many") == -1, "the next open fails again");
  fds[n / 2] = again;
  for (int i = 0; i < n; i++)
    close(fds[i]);
  int fd = open("many");
  CHECK(fd > 1, "open works after closing them all");
  close(fd);
}
