/* A large process (600 pages) forks a child that, before touching any page, forks a
   grandchild: the pages the child has not taken from its parent yet must reach the
   grandchild all the same. Round 1: grandchild and child both find every page with the
   parent's bytes, in the parent's frames (reads never copy), while the parent waits; the
   parent, last owner again, then rewrites every page without a copy, keeping its frames.
   Round 2: the parent rewrites every page while a new child and grandchild, neither of
   which has touched anything, are alive; both must still see the bytes of fork time. A
   kernel that lost the pages a forking child had not taken yet (zeros, or the parent's
   later bytes), or copied on a read, fails. Only the parent prints, after its waits; the
   grandchild exits before the child, which waits for it. */
#include "tests/vm/cow-big.h"

const char *test_name = "cow-big-grand";

static uint64_t frames[BIG_SAMPLES];

/* Round 1: 0 if every page holds salt 1 in the frame the parent recorded. */
static int check_round1(void)
{
  if (big_count_wrong(0, BIG_PAGES, 1) != 0)
    return 1;
  return big_frames_moved(frames) == 0 ? 0 : 2;
}

/* Round 2: 0 if every page holds salt 2 once the parent has said that it rewrote them. */
static int check_round2(void)
{
  if (big_await_file("written") < 0)
    return 1;
  return big_count_wrong(0, BIG_PAGES, 2) == 0 ? 0 : 2;
}

/* The child of round ROUND: forks the grandchild first, then checks and waits for it. */
static int child_main(int round)
{
  pid_t pid = fork("grandchild");
  if (pid == 0)
    exit(round == 1 ? check_round1() : check_round2());
  if (pid < 0)
    return 10;
  if (round == 2 && !create("forked", 0))
    return 11;
  int mine = round == 1 ? check_round1() : check_round2();
  int theirs = wait(pid);
  if (theirs != 0)
    return 20 + theirs;
  return mine;
}

void test_main(void)
{
  big_fill(0, BIG_PAGES, 1);
  big_record_frames(frames);
  pid_t pid = fork("child");
  if (pid == 0)
    exit(child_main(1));
  REQUIRE(pid > 0, "fork");
  CHECK(wait(pid) == 0, "grandchild and child read the parent's bytes in its frames");
  CHECK(big_count_wrong(0, BIG_PAGES, 1) == 0 && big_frames_moved(frames) == 0,
        "parent kept its bytes and frames");
  struct pfstat a, b;
  pfstat(&a);
  big_fill(0, BIG_PAGES, 2);
  pfstat(&b);
  CHECK(b.wp_copy == a.wp_copy && big_frames_moved(frames) == 0,
        "parent rewrote its pages without a copy");

  pid = fork("child");
  if (pid == 0)
    exit(child_main(2));
  REQUIRE(pid > 0, "fork");
  int forked = big_await_file("forked");
  big_fill(0, BIG_PAGES, 3);
  REQUIRE(create("written", 0), "create \"written\"");
  int status = wait(pid);
  CHECK(forked == 0, "child forked the grandchild before the parent's rewrite");
  CHECK(status == 0, "grandchild and child kept the bytes of fork time");
  CHECK(big_count_wrong(0, BIG_PAGES, 3) == 0, "parent sees its own rewrite");
}
