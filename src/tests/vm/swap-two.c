/* Two processes whose loops together need more frames than the user pool has (48 pages
   each, 64 frames) run at the same time; each must make progress while the other runs.
   `swap-two` starts children a and b (`swap-two a`, `swap-two b`). A child makes PASSES
   passes over its pages, storing the pass number in each and spinning a while after
   every store, and appends one byte to its file two-NAME after each pass. At its loop's
   start and end it reads the length of the other child's file: unless the other had
   already finished, it must have grown. Then the child checks that every page holds the
   last pass's value. Exit status: 0 good, 1 a page read back wrong, 3 the other child
   made no progress during this child's whole loop. */
#include "tests/vm/vm-util.h"

const char *test_name = "swap-two";

#define TWO_PAGES  48
#define TWO_PASSES 20
#define TWO_SPIN   20000

static volatile uint64_t two_area[TWO_PAGES][PAGE_SIZE / sizeof(uint64_t)]
    __attribute__((aligned(PAGE_SIZE)));

static int two_open(char name)
{
  char file[8] = "two-?";
  file[4] = name;
  int fd = open(file);
  REQUIRE(fd >= 0, "open %s", file);
  return fd;
}

/* One child's loop; returns its exit status. */
static int two_child(char self)
{
  int mine = two_open(self), other = two_open(self == 'a' ? 'b' : 'a');
  int before = filesize(other);
  for (uint64_t pass = 1; pass <= TWO_PASSES; pass++) {
    for (size_t p = 0; p < TWO_PAGES; p++) {
      uint64_t left = TWO_SPIN;
      two_area[p][0] = pass * 1000 + p;
      __asm__ volatile("1: dec %0\n\tjnz 1b" : "+r"(left));
    }
    REQUIRE(write(mine, "x", 1) == 1, "write two-%c", self);
  }
  int after = filesize(other);
  for (size_t p = 0; p < TWO_PAGES; p++)
    if (two_area[p][0] != TWO_PASSES * 1000 + p)
      return 1;
  return before < TWO_PASSES && after == before ? 3 : 0;
}

int main(int argc, char **argv)
{
  if (argc == 2 && (argv[1][0] == 'a' || argv[1][0] == 'b') && argv[1][1] == '\0')
    return two_child(argv[1][0]);
  test_name = "swap-two";
  msg("begin");
  CHECK(create("two-a", 0) && create("two-b", 0), "create two-a and two-b");
  pid_t a = spawn("two-a", "swap-two a");
  pid_t b = spawn("two-b", "swap-two b");
  CHECK(wait(a) == 0, "child a verified its pages, and b progressed while a looped");
  CHECK(wait(b) == 0, "child b verified its pages, and a progressed while b looped");
  msg("end");
  return 0;
}
