/* A program with a 32 MiB bss touches one page of it and forks eight children that each
   touch one more: the untouched bss is one range record, not 8,192 page records per
   process, so neither the program nor its forks run the kernel heap dry. Then mmap of the
   whole user range above 4 GiB (about 508 GB) answers at once, and its first page reads
   the file. */
#include "tests/vm/vm-util.h"

const char *test_name = "big-bss";

#define HUGE_PAGES 8192

static uint8_t huge[HUGE_PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

void test_main(void)
{
  huge[0][0] = 1;
  pid_t kids[8];
  for (int k = 0; k < 8; k++) {
    kids[k] = fork("kid");
    if (kids[k] == 0) {
      huge[(k + 1) * 1000][5] = (uint8_t)k;
      exit(huge[0][0] == 1 && huge[(k + 1) * 1000][5] == k && pages_present(huge, sizeof huge) <= 2
               ? k
               : 100);
    }
    REQUIRE(kids[k] > 0, "fork %d", k);
  }
  for (int k = 0; k < 8; k++)
    REQUIRE(wait(kids[k]) == k, "child %d", k);
  msg("eight forks of a 32 MiB bss, each touching one page");
  CHECK(pages_present(huge, sizeof huge) == 1, "the parent has one page of it present");

  create_file("small", 10);
  int fd = open_file("small");
  char text[10] = "abcdefghi";
  write(fd, text, 10);
  uint8_t *base = (uint8_t *)0x100000000ULL;
  size_t len = 0x8004000000ULL - 0x100000000ULL;
  CHECK(mmap(base, len, 0, fd, 0) == base, "mmap of %zu GB answered", len >> 30);
  CHECK(base[0] == 'a' && base[9] == 0 && base[100] == 0, "its first page reads the file");
  munmap(base);
  close(fd);
}
