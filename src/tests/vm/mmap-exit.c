/* A child maps a file, closes the descriptor (the mapping outlives it), writes through
   the mapping and exits without munmap: the kernel writes the data back at exit, and the
   parent then reads it from the file. */
#include "tests/vm/vm-util.h"

const char *test_name = "mmap-exit";

#define MAP_AT ((char *)0x20000000)

void test_main(void)
{
  char buf[16];
  create_file("legacy", PAGE_SIZE);
  pid_t pid = fork("mapper");
  if (pid == 0) {
    int fd = open("legacy");
    char *m = mmap(MAP_AT, PAGE_SIZE, 1, fd, 0);
    if (m != MAP_AT)
      exit(1);
    close(fd);
    memcpy(m + 100, "left by child", 13);
    exit(0);
  }
  CHECK(wait(pid) == 0, "child mapped, wrote and exited");
  int fd = open_file("legacy");
  seek(fd, 100);
  CHECK(read(fd, buf, 13) == 13 && memcmp(buf, "left by child", 13) == 0,
        "the child's write reached the file");
  close(fd);
}
