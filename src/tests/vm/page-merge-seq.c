/* Merge sort done by four exec'd child-sort processes, one after the other, passing data
   through files; the parent merges and checks against its own sort. */
#include "tests/vm/msort.h"

const char *test_name = "page-merge-seq";

static int data[MSORT_TOTAL], tmp[MSORT_TOTAL], parts[MSORT_TOTAL], merged[MSORT_TOTAL];

void test_main(void)
{
  char name[16], cmd[32];
  fill_random(data, sizeof data, 0x12345);
  create_file("unsorted", 0);
  int fd = open_file("unsorted");
  write_all(fd, data, sizeof data, 0);
  close(fd);
  for (int p = 0; p < MSORT_PARTS; p++) {
    msort_part_name(name, sizeof name, p);
    REQUIRE(create(name, 0), "create \"%s\"", name);
    snprintf(cmd, sizeof cmd, "child-sort %d", p);
    CHECK(wait(spawn("sorter", cmd)) == p, "sorter %d finished", p);
  }
  msort_check_parts(data, tmp, parts, merged);
}
