/* Copy-on-write, parent writes first: the parent writes its page while the child still
   shares it, so the parent gets a copy and the child keeps the original frame and byte.
   The child waits for a flag file the parent writes after its own write. */
#include "tests/vm/vm-util.h"

const char *test_name = "cow-par-first";

static uint8_t page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

/* Reads the one-byte flag file. */
static char flag_value(void)
{
  char c = 0;
  int fd = open("flag");
  if (fd >= 2) {
    read(fd, &c, 1);
    close(fd);
  }
  return c;
}

void test_main(void)
{
  create_file("flag", 1);
  page[0] = 1;
  uint64_t before = frame_of(page);
  pid_t pid = fork("child");
  if (pid == 0) {
    for (int i = 0; i < 100000 && flag_value() != 'w'; i++)
      continue;
    if (flag_value() != 'w')
      exit(1);
    exit(frame_of(page) == before && page[0] == 1 ? 0 : 2);
  }
  struct pfstat a, b;
  pfstat(&a);
  page[0] = 2;
  pfstat(&b);
  CHECK(b.wp_copy - a.wp_copy == 1, "the parent's write copied the shared frame");
  CHECK(frame_of(page) != before && page[0] == 2, "the parent has a new frame");
  int fd = open_file("flag");
  write(fd, "w", 1);
  close(fd);
  CHECK(wait(pid) == 0, "the child kept the original frame and byte");
}
