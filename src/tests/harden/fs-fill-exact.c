/* Filling the disk: a file grown in 4 kB writes until a write comes up short holds
   exactly what it was told it got (W bytes, a whole number of sectors); then the disk is
   full (create fails, a further write writes 0). After removing it, one write of exactly
   W bytes fills the disk again and succeeds whole, and one write of W + 1000 bytes writes
   exactly W. Every file reads back. */
#include "tests/lib.h"

const char *test_name = "fs-fill-exact";

#define FILL_MAX (1024 * 1024)

static char data[FILL_MAX], got[FILL_MAX];

/* Writes N bytes of DATA to a new file NAME in one call; returns what write returned. */
static int fill_one_write(const char *name, int n)
{
  REQUIRE(create(name, 0), "create \"%s\"", name);
  int fd = open(name);
  REQUIRE(fd > 1, "open \"%s\"", name);
  int w = write(fd, data, n);
  REQUIRE(filesize(fd) == w, "length of \"%s\" is what write returned", name);
  close(fd);
  return w;
}

/* Checks that NAME holds the first N bytes of DATA, then removes it. */
static void fill_verify_remove(const char *name, int n)
{
  int fd = open(name);
  REQUIRE(fd > 1, "open \"%s\"", name);
  REQUIRE(filesize(fd) == n, "size of \"%s\"", name);
  REQUIRE(read(fd, got, n) == n, "read back \"%s\"", name);
  compare_bytes(got, data, n, name);
  close(fd);
  REQUIRE(remove(name), "remove \"%s\"", name);
}

void test_main(void)
{
  fill_random(data, sizeof data, 77);
  create_file("fill", 0);
  int fd = open_file("fill");
  int total = 0;
  for (;;) {
    int w = write(fd, data + total, 4096);
    REQUIRE(w >= 0 && w <= 4096, "write returned %d", w);
    total += w;
    if (w < 4096)
      break;
    REQUIRE(total + 4096 <= FILL_MAX, "disk larger than expected");
  }
  CHECK(total > 0 && total % 512 == 0, "the disk took a whole number of sectors");
  CHECK(filesize(fd) == total, "length equals the bytes written");
  CHECK(write(fd, data, 1) == 0, "one more byte does not fit");
  CHECK(!create("other", 0), "create fails on the full disk");
  close(fd);
  fill_verify_remove("fill", total);
  msg("first fill verified and removed");
  CHECK(fill_one_write("exact", total) == total, "one write of exactly the free space succeeds");
  fill_verify_remove("exact", total);
  CHECK(fill_one_write("over", total + 1000) == total,
        "a write 1000 bytes too long writes the free space");
  fill_verify_remove("over", total);
  CHECK(fill_one_write("again", 4096) == 4096, "the space is all back");
  fill_verify_remove("again", 4096);
}
