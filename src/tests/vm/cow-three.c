/* A parent, its child and its grandchild share one frame three ways until someone writes;
   each generation checks it maps the frame the parent recorded before forking. */
#include "tests/vm/vm-util.h"

const char *test_name = "cow-three";

static uint8_t page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

void test_main(void)
{
  page[7] = 7;
  uint64_t id = frame_of(page);
  pid_t pid = fork("child");
  if (pid == 0) {
    if (frame_of(page) != id)
      exit(1);
    pid_t g = fork("grandchild");
    if (g == 0)
      exit(frame_of(page) == id && page[7] == 7 ? 0 : 1);
    int gs = wait(g);
    exit(gs == 0 && frame_of(page) == id ? 0 : 2);
  }
  CHECK(wait(pid) == 0, "child and grandchild mapped the parent's frame");
  CHECK(frame_of(page) == id && page[7] == 7, "parent still maps it");
}
