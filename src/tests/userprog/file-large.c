/* A 200 kB file written in odd-sized pieces and read back in other odd-sized pieces. */
#include "tests/lib.h"

const char *test_name = "file-large";

#define FILE_LARGE_SIZE (200 * 1024)

static char data[FILE_LARGE_SIZE], got[FILE_LARGE_SIZE];

void test_main(void)
{
  fill_random(data, sizeof data, 2024);
  create_file("large", 0);
  int fd = open_file("large");
  write_all(fd, data, sizeof data, 3917);
  CHECK(filesize(fd) == FILE_LARGE_SIZE, "file has %d bytes", FILE_LARGE_SIZE);
  seek(fd, 0);
  read_all(fd, got, sizeof got, 1531);
  compare_bytes(got, data, sizeof data, "large file");
  msg("read back all of it");
  seek(fd, 150000);
  read_all(fd, got, 1000, 0);
  compare_bytes(got, data + 150000, 1000, "1000 bytes at offset 150000");
  msg("random access read matches");
  close(fd);
}
