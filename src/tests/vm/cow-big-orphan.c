/* A large process (600 pages) forks and exits at once, before its child has read
   anything: the orphan must then find every page with the bytes of fork time, in the very
   frames its parent had (the exit handed them over; nothing was copied), at no
   write-protect cost, and its writes afterwards take those frames back as their last
   owner, without a copy. A kernel that freed or reused the exiting parent's frames while
   the orphan still had pages to take from them fails here (wrong bytes, other frames, or
   a crash or leak at power-off); so does one that kept the orphan waiting on a parent
   that is gone.

   The test process T forks the large process P and waits for it; P fills its pages, forks
   the orphan O and exits; T then creates the file "gone", which O waits for before it
   touches its pages, so P has exited by then under every schedule, and ends. O prints its
   own verdict: the run action ends only once every process it started has ended, orphans
   included, so that line comes after T's end, inside the action. (T used to poll for a
   file of O's, which spent most of the run in failed opens.) The exit lines are not
   compared (tests.cfg: ignore_exit): O's comes after T's. */
#include "tests/vm/cow-big.h"

const char *test_name = "cow-big-orphan";

static uint64_t frames[BIG_SAMPLES];

static unsigned orphan_check(void)
{
  if (big_await_file("gone") < 0)
    return 1;
  struct pfstat a, b;
  pfstat(&a);
  size_t wrong = big_count_wrong(0, BIG_PAGES, 1);
  size_t moved = big_frames_moved(frames);
  pfstat(&b);
  if (wrong != 0)
    return 2;
  if (moved != 0)
    return 3;
  if (b.wp != a.wp)
    return 4;
  big_fill(0, BIG_PAGES, 2);
  struct pfstat c;
  pfstat(&c);
  if (c.wp_copy != b.wp_copy)
    return 5;
  if (big_frames_moved(frames) != 0)
    return 6;
  if (big_count_wrong(0, BIG_PAGES, 2) != 0)
    return 7;
  return 0;
}

static int large_main(void)
{
  big_fill(0, BIG_PAGES, 1);
  big_record_frames(frames);
  pid_t pid = fork("orphan");
  if (pid == 0) {
    unsigned status = orphan_check();
    if (status != 0)
      fail("orphan's check %u failed", status);
    msg("orphan found its parent's bytes and frames, and wrote them without a copy");
    exit(0);
  }
  return pid > 0 ? 0 : 1;
}

void test_main(void)
{
  pid_t pid = fork("large");
  if (pid == 0)
    exit(large_main());
  REQUIRE(pid > 0, "fork");
  CHECK(wait(pid) == 0, "large process forked the orphan and exited");
  REQUIRE(create("gone", 0), "create \"gone\"");
}
