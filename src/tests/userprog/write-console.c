/* Console writes of several sizes, including one larger than a page and one straddling a
   page boundary, appear whole and in order. */
#include "tests/lib.h"

const char *test_name = "write-console";

static char pages[2 * 4096] __attribute__((aligned(4096)));

void test_main(void)
{
  static char big[6001];
  for (int i = 0; i < 6000; i++)
    big[i] = (i % 100 == 99) ? '\n' : (char)('a' + (i / 100) % 26);
  CHECK(write(1, big, 6000) == 6000, "write of 6000 bytes returns 6000");
  char *line = pages + 4096 - 10;
  strlcpy(line, "straddling the page boundary\n", 64);
  CHECK(write(1, line, (unsigned)strlen(line)) == (int)strlen(line), "write across pages");
  CHECK(write(1, "", 0) == 0, "empty console write returns 0");
}
