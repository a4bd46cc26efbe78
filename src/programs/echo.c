/* echo [WORDS...]: prints its arguments separated by single spaces, then a newline. */
#include "lib/stdio.h"
#include "lib/string.h"
#include "syscall.h"

int main(int argc, char **argv)
{
  char buf[160];
  size_t n = 0;
  buf[0] = '\0';
  for (int i = 1; i < argc; i++) {
    strlcat(buf, argv[i], sizeof buf - 1);
    if (i + 1 < argc)
      strlcat(buf, " ", sizeof buf - 1);
  }
  n = strlcat(buf, "\n", sizeof buf);
  write(1, buf, (unsigned)n);
  return 0;
}
