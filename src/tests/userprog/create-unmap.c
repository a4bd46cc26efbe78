/* A file name pointer to unmapped user memory kills the process. */
#include "tests/lib.h"
#include "tests/userprog/bad-ptrs.h"

const char *test_name = "create-unmap";

void test_main(void)
{
  msg("create with an unmapped pointer");
  create(BAD_UNMAPPED_PTR, 0);
  fail("survived create with an unmapped pointer");
}
