/* Copy-on-write fork of a large process (600 resident pages), seen through frames: the
   child, after reading every page, maps the very frames the parent had before the fork
   (reads never copy: a kernel that copied on a read, or gave the child copies at fork,
   fails), and its reads cost no write-protect fault. Its writes to a few sample pages copy
   them (new frames, one write-protect copy each) while the other samples keep the
   parent's frames. The parent, after the child's exit, still maps its own frames with its
   own bytes (a kernel that moved the parent to the copy, or let the child's writes through,
   fails); its writes then take each frame back as its last owner: write-protect reuses,
   no copy, the same frames. fork itself copied nothing. */
#include "tests/vm/cow-big.h"

const char *test_name = "cow-big-frames";

static uint64_t frames[BIG_SAMPLES];

/* The samples the child writes. */
static bool child_writes(size_t i) { return i % 4 == 1; }

static int child_main(void)
{
  struct pfstat a, b;
  pfstat(&a);
  if (big_count_wrong(0, BIG_PAGES, 1) != 0)
    return 1;
  if (big_frames_moved(frames) != 0)
    return 2;
  pfstat(&b);
  if (b.wp != a.wp || b.wp_copy != a.wp_copy)
    return 3;
  size_t written = 0;
  for (size_t i = 0; i < BIG_SAMPLES; i++)
    if (child_writes(i)) {
      big[big_sample(i)][5] = 0xc0ffee;
      written++;
    }
  struct pfstat c;
  pfstat(&c);
  if (c.wp_copy - b.wp_copy != (long)written || c.wp_reuse != b.wp_reuse)
    return 4;
  for (size_t i = 0; i < BIG_SAMPLES; i++) {
    uint64_t f = frame_of(big[big_sample(i)]);
    if (child_writes(i) ? f == frames[i] || f == 0 : f != frames[i])
      return 5;
  }
  return 0;
}

void test_main(void)
{
  big_fill(0, BIG_PAGES, 1);
  big_record_frames(frames);
  for (size_t i = 0; i < BIG_SAMPLES; i++)
    REQUIRE(frames[i] != 0, "sample %zu resident before fork", i);
  pid_t pid = fork("child");
  if (pid == 0)
    exit(child_main());
  REQUIRE(pid > 0, "fork");
  struct pfstat a;
  pfstat(&a);
  int status = wait(pid);
  CHECK(a.fork_copied == 0, "fork copied no frame");
  CHECK(status == 0, "child read the parent's frames, its writes got frames of their own");
  CHECK(big_count_wrong(0, BIG_PAGES, 1) == 0, "parent's %d pages unchanged", BIG_PAGES);
  CHECK(big_frames_moved(frames) == 0, "parent kept every frame");

  struct pfstat b, c;
  pfstat(&b);
  for (size_t i = 0; i < BIG_SAMPLES; i++)
    big[big_sample(i)][7] = 0xbeef;
  pfstat(&c);
  CHECK(c.wp_reuse - b.wp_reuse == BIG_SAMPLES && c.wp_copy == b.wp_copy,
        "parent's %d writes reused its frames without a copy", BIG_SAMPLES);
  CHECK(big_frames_moved(frames) == 0, "and kept them");
}
