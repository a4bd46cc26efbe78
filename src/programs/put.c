/* put FILE [WORDS...]: creates FILE (which must not exist) holding the words separated by
   spaces and a final newline. Exit status 1 on failure. */
#include "lib/stdio.h"
#include "lib/string.h"
#include "syscall.h"

int main(int argc, char **argv)
{
  char buf[160];
  size_t n = 0;
  if (argc < 2) {
    printf("usage: put FILE [WORDS...]\n");
    return 1;
  }
  buf[0] = '\0';
  for (int i = 2; i < argc; i++) {
    strlcat(buf, argv[i], sizeof buf - 1);
    n = strlcat(buf, i + 1 < argc ? " " : "\n", sizeof buf);
  }
  if (!create(argv[1], 0)) {
    printf("put: cannot create '%s'\n", argv[1]);
    return 1;
  }
  int fd = open(argv[1]);
  if (fd < 0 || write(fd, buf, (unsigned)n) != (int)n) {
    printf("put: cannot write '%s'\n", argv[1]);
    return 1;
  }
  close(fd);
  return 0;
}
