/* Fork of a large process (600 pages) that also has a file mapping with bytes written in
   two of its pages (docs/abi.md 3.4): the child finds those bytes in frames of its own
   (not the parent's), the other mapped pages as the file holds them, and the 600 pages
   with the parent's pattern. The parent's writes to the mapping after the fork (to its
   written pages and to one it had not touched) never reach the child, and the child's
   munmap leaves the parent's mapping, bytes and frames alone; the page the child wrote
   before unmapping reaches the file, where the parent's first touch of it finds it. A
   kernel that shared a mapped frame with the child, or copied the parent's anonymous
   pages at fork, fails. Only the parent prints, after its wait. */
#include "tests/vm/cow-big.h"

const char *test_name = "cow-big-mmap";

#define MAP_AT    ((char *)0x20000000)
#define MAP_PAGES 4

static const char at_fork[] = "parent's bytes at fork";
static const char later[] = "parent's later bytes!!";
static const char kid[] = "child's bytes";

static uint64_t map_frames[2];

/* True if the N bytes at P are all zero. */
static bool all_zero(const char *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (p[i] != 0)
      return false;
  return true;
}

static int child_main(char *m)
{
  if (big_await_file("wrote") < 0)
    return 1;
  for (int i = 0; i < 2; i++) {
    if (memcmp(m + i * PAGE_SIZE, at_fork, sizeof at_fork) != 0)
      return 2;
    uint64_t f = frame_of(m + i * PAGE_SIZE);
    if (f == 0 || f == map_frames[i])
      return 3;
  }
  if (!all_zero(m + 2 * PAGE_SIZE, PAGE_SIZE))
    return 4;
  if (big_count_wrong(0, BIG_PAGES, 1) != 0)
    return 5;
  memcpy(m + 3 * PAGE_SIZE, kid, sizeof kid);
  munmap(m);
  return 0;
}

void test_main(void)
{
  create_file("mapped", MAP_PAGES * PAGE_SIZE);
  int fd = open_file("mapped");
  char *m = mmap(MAP_AT, MAP_PAGES * PAGE_SIZE, 1, fd, 0);
  REQUIRE(m == MAP_AT, "mmap");
  big_fill(0, BIG_PAGES, 1);
  for (int i = 0; i < 2; i++) {
    memcpy(m + i * PAGE_SIZE, at_fork, sizeof at_fork);
    map_frames[i] = frame_of(m + i * PAGE_SIZE);
  }
  pid_t pid = fork("child");
  if (pid == 0)
    exit(child_main(m));
  REQUIRE(pid > 0, "fork");
  for (int i = 0; i < 3; i++)
    memcpy(m + i * PAGE_SIZE, later, sizeof later);
  REQUIRE(create("wrote", 0), "create \"wrote\"");
  int status = wait(pid);
  struct pfstat st;
  pfstat(&st);
  CHECK(st.fork_copied <= 2, "fork copied no anonymous page");
  CHECK(status == 0, "child saw the bytes of fork time in frames of its own");
  bool kept = true;
  for (int i = 0; i < 3; i++)
    kept = kept && memcmp(m + i * PAGE_SIZE, later, sizeof later) == 0;
  CHECK(kept, "parent's mapping kept its later bytes after the child's munmap");
  CHECK(frame_of(m) == map_frames[0] && frame_of(m + PAGE_SIZE) == map_frames[1],
        "parent kept its mapped frames");
  CHECK(memcmp(m + 3 * PAGE_SIZE, kid, sizeof kid) == 0,
        "parent's untouched page read the child's write from the file");
  CHECK(big_count_wrong(0, BIG_PAGES, 1) == 0, "parent's %d pages unchanged", BIG_PAGES);
  munmap(m);
  close(fd);
}
