/* exec of a large executable that touches few of its pages (see big-bin): it loads
   lazily and exits 0. */
#include "tests/vm/vm-util.h"

const char *test_name = "exec-big";

void test_main(void)
{
  CHECK(wait(spawn("big-bin", "big-bin")) == 0, "big-bin loaded lazily and exited with 0");
}
