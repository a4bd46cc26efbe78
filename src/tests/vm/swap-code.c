/* 1 MiB of read-only data in the executable is read, then 2 MiB of anonymous memory are
   written on a 128-page user pool, which evicts the clean file pages (dropped, not
   swapped); reading the table again faults each page back in from the executable. */
#include "tests/vm/vm-util.h"
#include "tests/vm/table256.h"

const char *test_name = "swap-code";

static uint8_t anon[512][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

/* Checks the first and last byte of every table page. */
static void check_table(const char *when)
{
  for (size_t p = 0; p < 256; p++)
    REQUIRE(bigtable[p][0] == (uint8_t)(p + 1) && bigtable[p][4095] == (uint8_t)(p ^ 0x33),
            "table page %zu wrong %s", p, when);
  msg("table read %s", when);
}

void test_main(void)
{
  struct pfstat before, after;
  check_table("first");
  for (size_t p = 0; p < 512; p++)
    anon[p][p % PAGE_SIZE] = (uint8_t)p;
  msg("anonymous memory written");
  pfstat(&before);
  check_table("again");
  pfstat(&after);
  CHECK(after.file - before.file >= 128, "the table came back from the executable");
  for (size_t p = 0; p < 512; p++)
    REQUIRE(anon[p][p % PAGE_SIZE] == (uint8_t)p, "anon page %zu wrong", p);
  msg("anonymous memory verified");
}
