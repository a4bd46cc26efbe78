/* A zero-byte write returns 0 and changes nothing. */
#include "tests/lib.h"

const char *test_name = "write-zero";

void test_main(void)
{
  create_file("zwrite", 0);
  int fd = open_file("zwrite");
  CHECK(write(fd, "x", 0) == 0, "write of 0 bytes returns 0");
  CHECK(filesize(fd) == 0, "file still empty");
  close(fd);
}
