/* cat FILE...: copies each file to the console. Exit status 1 if a file cannot be opened. */
#include "lib/stdio.h"
#include "syscall.h"

int main(int argc, char **argv)
{
  static char buf[1024];
  int status = 0;
  for (int i = 1; i < argc; i++) {
    int fd = open(argv[i]);
    if (fd < 0) {
      printf("cat: cannot open '%s'\n", argv[i]);
      status = 1;
      continue;
    }
    int n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
      write(1, buf, (unsigned)n);
    close(fd);
  }
  return status;
}
