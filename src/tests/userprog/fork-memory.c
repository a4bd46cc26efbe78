/* The child gets a copy of the parent's data, bss, heap-free static arrays and stack:
   it sees the parent's values, and its writes do not show in the parent. */
#include "tests/lib.h"

const char *test_name = "fork-memory";

static int data_word = 0x1234;
static char bss_block[3 * 4096];

void test_main(void)
{
  volatile int stack_word = 777;
  memset(bss_block, 'p', sizeof bss_block);
  data_word = 0x4321;
  pid_t pid = fork("fork-mem-kid");
  if (pid == 0) {
    REQUIRE(data_word == 0x4321, "child sees data %x", data_word);
    REQUIRE(stack_word == 777, "child sees stack %d", stack_word);
    for (size_t i = 0; i < sizeof bss_block; i++)
      REQUIRE(bss_block[i] == 'p', "child sees bss byte %zu = %d", i, bss_block[i]);
    msg("child sees the parent's memory");
    data_word = -1;
    stack_word = -1;
    memset(bss_block, 'c', sizeof bss_block);
    exit(5);
  }
  CHECK(wait(pid) == 5, "child exited with 5");
  CHECK(data_word == 0x4321 && stack_word == 777, "parent's data and stack unchanged");
  for (size_t i = 0; i < sizeof bss_block; i++)
    REQUIRE(bss_block[i] == 'p', "parent's bss byte %zu changed to %d", i, bss_block[i]);
  msg("parent's bss unchanged");
}
