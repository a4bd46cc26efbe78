/* Opening a file that does not exist returns -1. */
#include "tests/lib.h"

const char *test_name = "open-missing";

void test_main(void) { CHECK(open("no-such-file") == -1, "open \"no-such-file\" returns -1"); }
