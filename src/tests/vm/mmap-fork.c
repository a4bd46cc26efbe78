/* What a child that does not exec sees of its parent's mapping (docs/abi.md 3.4): the same
   range, a private copy of each page the parent had touched (its bytes as the parent left
   them, in another frame), untouched pages read from the file; afterwards the two mappings
   are independent: the child's munmap leaves the parent's mapping alone, and the child's
   written page reaches the file, where a page the parent touches later finds it. */
#include "tests/vm/vm-util.h"

const char *test_name = "mmap-fork";

#define MAP_AT ((char *)0x20000000)

void test_main(void)
{
  create_file("shared", 2 * PAGE_SIZE);
  int fd = open_file("shared");
  char *m = mmap(MAP_AT, 2 * PAGE_SIZE, 1, fd, 0);
  REQUIRE(m == MAP_AT, "mmap");
  memcpy(m, "parent's bytes", 14);
  uint64_t parent_frame = frame_of(m);
  pid_t pid = fork("child");
  if (pid == 0) {
    if (memcmp(m, "parent's bytes", 14) != 0)
      exit(1);
    if (frame_of(m) == parent_frame)
      exit(2);
    if (m[PAGE_SIZE] != 0)
      exit(3);
    memcpy(m + PAGE_SIZE, "child's bytes", 13);
    memcpy(m, "child was here", 14);
    munmap(m);
    exit(0);
  }
  REQUIRE(pid > 0, "fork");
  CHECK(wait(pid) == 0, "child saw the parent's bytes in its own frame, the rest from the file");
  CHECK(memcmp(m, "child was here", 14) != 0 && memcmp(m, "parent's bytes", 14) == 0,
        "parent's page unchanged by the child's write and munmap");
  CHECK(frame_of(m) == parent_frame, "parent kept its frame");
  CHECK(memcmp(m + PAGE_SIZE, "child's bytes", 13) == 0,
        "parent's untouched page read the child's write from the file");
  munmap(m);
  close(fd);
}
