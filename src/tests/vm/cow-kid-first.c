/* Copy-on-write, child writes first: after fork parent and child map the same frame; the
   child's write gives it a new frame while the parent keeps the old one; the parent, now
   the frame's last owner, writes without a copy (a write-protect reuse). */
#include "tests/vm/vm-util.h"

const char *test_name = "cow-kid-first";

static uint8_t page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

void test_main(void)
{
  page[0] = 1;
  uint64_t before = frame_of(page);
  pid_t pid = fork("child");
  if (pid == 0) {
    if (frame_of(page) != before || page[0] != 1)
      exit(1);
    page[0] = 2;
    exit(frame_of(page) != before && frame_of(page) != 0 && page[0] == 2 ? 0 : 3);
  }
  CHECK(wait(pid) == 0, "child shared the frame, then got its own on writing");
  CHECK(frame_of(page) == before && page[0] == 1, "parent kept its frame and its byte");
  struct pfstat a, b;
  pfstat(&a);
  page[0] = 4;
  pfstat(&b);
  CHECK(b.wp_reuse - a.wp_reuse == 1 && b.wp_copy == a.wp_copy, "last owner wrote without a copy");
  CHECK(frame_of(page) == before && page[0] == 4, "and still has the same frame");
}
