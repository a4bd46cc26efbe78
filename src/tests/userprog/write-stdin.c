/* Writing to stdin (fd 0) returns -1 or kills the process. */
#include "tests/lib.h"

const char *test_name = "write-stdin";

void test_main(void) { CHECK(write(0, "abc", 3) == -1, "write to fd 0 returns -1"); }
