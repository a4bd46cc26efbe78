/* ls: lists the files of the (flat) root directory with their sizes in bytes, in
   directory order, through the listdir system call (number 65, docs/abi.md). */
#include "lib/stdio.h"
#include "syscall.h"

int main(void)
{
  char name[NAME_MAX + 1];
  for (unsigned cursor = 0; (cursor = listdir(cursor, name)) != 0;) {
    int fd = open(name);
    int size = fd >= 0 ? filesize(fd) : -1;
    if (fd >= 0)
      close(fd);
    printf("%-14s %8d\n", name, size);
  }
  return 0;
}
