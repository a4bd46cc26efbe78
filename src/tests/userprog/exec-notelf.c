/* exec of a file that is not an executable ends the caller with exit(-1): a text file (in
   a child, whose parent sees -1) and a 7-byte ELF stub (in the test process itself). */
#include "tests/lib.h"

const char *test_name = "exec-notelf";

void test_main(void)
{
  create_file("plain", 0);
  int fd = open_file("plain");
  write_all(fd, "#!/bin/sh\necho not a program\n", 30, 0);
  close(fd);
  create_file("stub", 0);
  fd = open_file("stub");
  write_all(fd, "\177ELF\2\1\1", 7, 0);
  close(fd);
  pid_t pid = fork("plain-kid");
  if (pid == 0) {
    exec("plain");
    exit(10);
  }
  CHECK(wait(pid) == -1, "exec of a text file ends the child with -1");
  msg("exec of a 7-byte ELF stub here");
  exec("stub");
  fail("exec of a 7-byte ELF stub returned");
}
