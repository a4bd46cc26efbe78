/* Helper: `child-sort P` reads part P of file "unsorted" (MSORT_PART ints), sorts it and
   writes it to "sorted-P" (which must exist). Exits with P, or 100+ on an error. */
#include "lib/stdlib.h"
#include "tests/vm/msort.h"

const char *test_name = "child-sort";

static int part[MSORT_PART], tmp[MSORT_PART];

int main(int argc, char **argv)
{
  char name[16];
  int p = argc > 1 ? atoi(argv[1]) : 0;
  int fd = open("unsorted");
  if (fd < 2)
    return 100;
  seek(fd, (unsigned)(p * MSORT_PART * sizeof(int)));
  if (read(fd, part, sizeof part) != (int)sizeof part)
    return 101;
  close(fd);
  msort_ints(part, tmp, MSORT_PART);
  msort_part_name(name, sizeof name, p);
  fd = open(name);
  if (fd < 2 || write(fd, part, sizeof part) != (int)sizeof part)
    return 102;
  close(fd);
  return p;
}
