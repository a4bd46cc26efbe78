/* Shared body of the args-* tests (included by each; not a program itself).
   Prints argc and every argv entry, and checks the layout promised by ABI section 2:
   argv[argc] is NULL, argv and the strings lie on the initial stack page(s) just below
   USER_STACK, argv[0] is the lowest pointer slot, and the strings are NUL-terminated
   words without spaces. */

#include "tests/lib.h"

#define ARGS_USER_STACK 0x47480000UL

static bool args_on_stack(const void *p)
{
  unsigned long a = (unsigned long)p;
  return a < ARGS_USER_STACK && a >= ARGS_USER_STACK - 4096 * 2;
}

void test_main(void)
{
  msg("argc = %d", test_argc);
  REQUIRE(args_on_stack(test_argv), "argv %p is not on the initial stack", (void *)test_argv);
  for (int i = 0; i < test_argc; i++) {
    const char *a = test_argv[i];
    REQUIRE(args_on_stack(a), "argv[%d] = %p is not on the initial stack", i, (const void *)a);
    REQUIRE(strchr(a, ' ') == NULL && a[0] != '\0', "argv[%d] is not one word", i);
    msg("argv[%d] = \"%s\"", i, a);
  }
  CHECK(test_argv[test_argc] == NULL, "argv[%d] is null", test_argc);
  REQUIRE(strcmp(test_argv[0], test_name) == 0, "argv[0] is not the program name");
}
