/* listdir (Kestrel's system call 65) lists the root directory: every file once, in slot
   order, a removed file no longer, a cursor past the end gives 0; a name buffer in kernel
   space kills the caller. */
#include "tests/lib.h"

const char *test_name = "listdir";

/* Prints every name of the root directory, one message each. */
static void listdir_print(void)
{
  char name[NAME_MAX + 1];
  for (unsigned cursor = 0; (cursor = listdir(cursor, name)) != 0;)
    msg("  %s", name);
}

void test_main(void)
{
  CHECK(create("a-file", 10), "create a-file");
  CHECK(create("fourteen-chars", 0), "create fourteen-chars");
  msg("listing:");
  listdir_print();
  CHECK(remove("a-file"), "remove a-file");
  msg("listing:");
  listdir_print();
  char name[NAME_MAX + 1] = "unchanged";
  CHECK(listdir(1000000, name) == 0 && !strcmp(name, "unchanged"),
        "a cursor past the end gives 0, name untouched");
  msg("listdir into kernel memory");
  listdir(0, (char *)0x8004000000);
  fail("survived listdir into kernel memory");
}
