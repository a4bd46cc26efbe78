/* A process touching more memory than the machine has (32 MB of bss on a 20 MB machine,
   no swap) is killed with -1 when frames run out; everything it had is returned, so a
   second one gets exactly as far, and the parent then still has memory to work with. */
#include "tests/lib.h"

const char *test_name = "mem-over-ram";

#define OVER_RAM (32 * 1024 * 1024)

static volatile uint8_t big[OVER_RAM];

/* Forks a child that touches BIG page by page; returns its exit status. */
static int over_ram_child(void)
{
  pid_t pid = fork("hog");
  if (pid == 0) {
    for (size_t i = 0; i < OVER_RAM; i += PAGE_SIZE)
      big[i] = 1;
    exit(4);
  }
  return wait(pid);
}

void test_main(void)
{
  CHECK(over_ram_child() == -1, "a process touching 32 MB of 20 MB is killed");
  CHECK(over_ram_child() == -1, "so is a second one");
  for (size_t i = 0; i < 256 * PAGE_SIZE; i += PAGE_SIZE)
    big[i] = 2;
  CHECK(big[255 * PAGE_SIZE] == 2, "the parent can still touch 1 MB");
}
