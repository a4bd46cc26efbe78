/* rm FILE...: removes files. Exit status 1 if any removal fails. */
#include "lib/stdio.h"
#include "syscall.h"

int main(int argc, char **argv)
{
  int status = 0;
  for (int i = 1; i < argc; i++)
    if (!remove(argv[i])) {
      printf("rm: cannot remove '%s'\n", argv[i]);
      status = 1;
    }
  return status;
}
