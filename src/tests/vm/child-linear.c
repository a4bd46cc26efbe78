/* Helper: `child-linear SALT` writes a 512 kB bss array with a pattern depending on SALT,
   verifies it, and exits with SALT (or 99 on a mismatch). */
#include "lib/stdlib.h"
#include "tests/vm/vm-util.h"

const char *test_name = "child-linear";

#define PAGES 128

static uint8_t area[PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

int main(int argc, char **argv)
{
  unsigned salt = argc > 1 ? (unsigned)atoi(argv[1]) : 0;
  for (size_t p = 0; p < PAGES; p++)
    for (size_t i = 0; i < PAGE_SIZE; i++)
      area[p][i] = vm_pattern(p, i, salt);
  for (size_t p = 0; p < PAGES; p++)
    for (size_t i = 0; i < PAGE_SIZE; i++)
      if (area[p][i] != vm_pattern(p, i, salt))
        return 99;
  return (int)salt;
}
