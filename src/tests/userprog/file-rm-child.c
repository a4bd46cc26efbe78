/* A child removes a file the parent has open: the parent keeps reading it through its
   descriptor while new opens fail. */
#include "tests/lib.h"

const char *test_name = "file-rm-child";

static char data[5000], got[5000];

void test_main(void)
{
  fill_random(data, sizeof data, 3);
  create_file("victim", 0);
  int fd = open_file("victim");
  write_all(fd, data, sizeof data, 0);
  seek(fd, 0);
  read_all(fd, got, 1000, 0);
  pid_t pid = fork("remover");
  if (pid == 0)
    exit(remove("victim") ? 0 : 1);
  CHECK(wait(pid) == 0, "child removed \"victim\"");
  CHECK(open("victim") == -1, "\"victim\" can no longer be opened");
  read_all(fd, got + 1000, 4000, 0);
  compare_bytes(got, data, sizeof data, "removed file");
  msg("parent read the whole removed file");
  close(fd);
}
