/* A large process (600 pages) forks and at once rewrites every page with a new pattern,
   without waiting; the child, whenever it runs (before, during or after those writes),
   must find the pattern of fork time in every page, and its reads cost it no
   write-protect fault. A kernel that let the parent's writes reach pages the child has
   not taken yet, or handed the child the parent's new bytes, fails in the child; one that
   resolved a write to a page twice, or a write-protect fault without either copying the
   frame or taking it back as its last owner, fails the parent's counts. fork itself
   copied nothing. Only the parent prints, after its wait: the output is the same under
   every schedule. */
#include "tests/vm/cow-big.h"

const char *test_name = "cow-big-pwrite";

static int child_main(void)
{
  struct pfstat a, b;
  pfstat(&a);
  size_t wrong = big_count_wrong(0, BIG_PAGES, 1);
  pfstat(&b);
  if (wrong != 0)
    return 1;
  if (b.wp != a.wp || b.wp_copy != a.wp_copy)
    return 2;
  return 0;
}

void test_main(void)
{
  big_fill(0, BIG_PAGES, 1);
  pid_t pid = fork("child");
  if (pid == 0)
    exit(child_main());
  REQUIRE(pid > 0, "fork");
  struct pfstat a, b;
  pfstat(&a);
  big_fill(0, BIG_PAGES, 2);
  pfstat(&b);
  int status = wait(pid);
  CHECK(a.fork_copied == 0, "fork copied no frame");
  long wp = b.wp - a.wp;
  CHECK(wp <= BIG_PAGES && b.wp_copy - a.wp_copy + b.wp_reuse - a.wp_reuse == wp,
        "parent's rewrite: at most one write-protect fault a page, each a copy or a reuse");
  CHECK(status == 0, "child saw the pattern of fork time in all %d pages", BIG_PAGES);
  CHECK(big_count_wrong(0, BIG_PAGES, 2) == 0, "parent sees its new pattern");
}
