/* exec of a file that is not an ELF executable returns -1 (truncated ELF header too). */
#include "tests/lib.h"

const char *test_name = "exec-notelf";

void test_main(void)
{
  create_file("plain", 0);
  int fd = open_file("plain");
  write_all(fd, "#!/bin/sh\necho not a program\n", 30, 0);
  close(fd);
  CHECK(exec("plain") == -1, "exec of a text file returns -1");
  create_file("stub", 0);
  fd = open_file("stub");
  write_all(fd, "\177ELF\2\1\1", 7, 0);
  close(fd);
  CHECK(exec("stub") == -1, "exec of a 7-byte ELF stub returns -1");
}
