/* Copy-on-write fork of a large process under memory pressure: 600 pages on a 256-frame
   user pool, so that most of them sit in swap at fork time (checked). The child rewrites
   the even pages and the parent the odd ones, at the same time, and each then verifies
   all 600: its own bytes, and the other side's pages still holding the bytes of fork time.
   Pages that neither side has touched since the fork are evicted and read back meanwhile,
   through swap slots both reference. A kernel that lost a page handed over while it was in
   swap, let one side's write reach the other, or copied the pages at fork, fails. Only
   the parent prints, after its wait. */
#include "tests/vm/cow-big.h"

const char *test_name = "cow-big-swap";

/* Writes SALT into the pages of parity MINE, then counts the pages that hold neither SALT
   (pages of parity MINE) nor the pattern of fork time (the others). */
static size_t write_half_verify(size_t mine, unsigned salt)
{
  for (size_t p = mine; p < BIG_PAGES; p += 2)
    big_fill(p, p + 1, salt);
  size_t wrong = 0;
  for (size_t p = 0; p < BIG_PAGES; p++)
    if (!big_page_is(p, p % 2 == mine ? salt : 1))
      wrong++;
  return wrong;
}

void test_main(void)
{
  big_fill(0, BIG_PAGES, 1);
  size_t resident = pages_present(big, sizeof big);
  CHECK(resident < BIG_PAGES / 2, "most pages in swap at fork");
  pid_t pid = fork("child");
  if (pid == 0)
    exit(write_half_verify(0, 2) == 0 ? 0 : 1);
  REQUIRE(pid > 0, "fork");
  struct pfstat st;
  pfstat(&st);
  size_t wrong = write_half_verify(1, 3);
  int status = wait(pid);
  CHECK(st.fork_copied == 0, "fork copied no frame");
  CHECK(status == 0, "child verified its even pages and the inherited odd ones");
  CHECK(wrong == 0, "parent verified its odd pages and the inherited even ones");
  CHECK(write_half_verify(1, 3) == 0, "and again after the child's exit");
}
