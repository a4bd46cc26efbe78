/* Forty small files of different sizes: all created, written, verified, then removed. */
#include "tests/lib.h"

const char *test_name = "file-many";

#define FILE_MANY_COUNT 40

static char data[FILE_MANY_COUNT][700];

static size_t file_many_size(int i) { return 37 + (size_t)i * 16; }

void test_main(void)
{
  char name[16];
  fill_random(data, sizeof data, 8);
  for (int i = 0; i < FILE_MANY_COUNT; i++) {
    snprintf(name, sizeof name, "small-%02d", i);
    REQUIRE(create(name, 0), "create \"%s\"", name);
    int fd = open(name);
    REQUIRE(fd > 1, "open \"%s\"", name);
    write_all(fd, data[i], file_many_size(i), 0);
    close(fd);
  }
  msg("created and wrote %d files", FILE_MANY_COUNT);
  for (int i = FILE_MANY_COUNT - 1; i >= 0; i--) {
    static char got[700];
    snprintf(name, sizeof name, "small-%02d", i);
    int fd = open(name);
    REQUIRE(fd > 1, "reopen \"%s\"", name);
    REQUIRE(filesize(fd) == (int)file_many_size(i), "size of \"%s\"", name);
    read_all(fd, got, file_many_size(i), 0);
    compare_bytes(got, data[i], file_many_size(i), name);
    close(fd);
  }
  msg("verified %d files", FILE_MANY_COUNT);
  for (int i = 0; i < FILE_MANY_COUNT; i++) {
    snprintf(name, sizeof name, "small-%02d", i);
    REQUIRE(remove(name), "remove \"%s\"", name);
    REQUIRE(open(name) == -1, "\"%s\" still opens after remove", name);
  }
  msg("removed %d files", FILE_MANY_COUNT);
}
