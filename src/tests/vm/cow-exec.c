/* Fork then exec of a process with 2 MiB of written memory copies no frame: fork shares
   everything, and the child's exec drops its side before writing anything. */
#include "tests/vm/vm-util.h"

const char *test_name = "cow-exec";

static uint8_t area[512][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

void test_main(void)
{
  for (size_t p = 0; p < 512; p++)
    area[p][0] = (uint8_t)p;
  struct pfstat a, b;
  pfstat(&a);
  pid_t pid = spawn("child", "child-linear 5");
  pfstat(&b);
  CHECK(b.fork_copied - a.fork_copied == 0, "fork copied no frame");
  CHECK(wait(pid) == 5, "the exec'd child ran");
  for (size_t p = 0; p < 512; p++)
    REQUIRE(area[p][0] == (uint8_t)p, "page %zu changed", p);
  msg("parent's memory intact");
}
