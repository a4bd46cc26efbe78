/* Merge sort split over four forked children that run at once: each sorts its quarter of
   the (copied) data and writes it to a file; the parent merges the four files and checks
   the result against its own sort of the same data. Exit lines are not compared. */
#include "tests/vm/msort.h"

const char *test_name = "page-merge-par";

static int data[MSORT_TOTAL], tmp[MSORT_TOTAL], parts[MSORT_TOTAL], merged[MSORT_TOTAL];

void test_main(void)
{
  char name[16];
  fill_random(data, sizeof data, 0xabcdef);
  for (int p = 0; p < MSORT_PARTS; p++) {
    msort_part_name(name, sizeof name, p);
    REQUIRE(create(name, 0), "create \"%s\"", name);
  }
  pid_t pids[MSORT_PARTS];
  for (int p = 0; p < MSORT_PARTS; p++) {
    pids[p] = fork("sorter");
    if (pids[p] == 0) {
      int *part = data + p * MSORT_PART;
      msort_ints(part, tmp, MSORT_PART);
      msort_part_name(name, sizeof name, p);
      int fd = open(name);
      if (fd < 2)
        exit(100);
      write_all(fd, part, MSORT_PART * sizeof *part, 1000);
      exit(p);
    }
    REQUIRE(pids[p] > 0, "fork sorter %d", p);
  }
  for (int p = 0; p < MSORT_PARTS; p++)
    CHECK(wait(pids[p]) == p, "sorter %d finished", p);
  msort_check_parts(data, tmp, parts, merged);
}
