/* Host unit test of threads/palloc.c on fake RAM with a Bochs-like E820 map.
   Build: gcc -Isrc -DHOST_TEST -O1 -g src/tests/host/test_palloc.c -o test_palloc */
#include "tests/host/kernel_env.h"
#include "threads/bitmap.c"
#include "threads/e820.c"
#include "threads/palloc.c"

static void *pages[70000];

static bool pa_usable(uint64_t pa)
{
  return pa >= HOST_KERNEL_END_PA + PGSIZE /* first page holds the bitmaps */
         && (pa < 0x9F000 || (pa >= 0x100000 && pa < host_ram_bytes - 0x10000));
}

/* Drains POOL one page at a time, checking addresses, then frees everything. */
static void drain_pool(enum palloc_flags pool, size_t expect_total)
{
  struct palloc_usage u;
  size_t n = 0, i;
  uint64_t prev = 0;

  for (;;) {
    void *p = palloc_get_page(pool);
    if (p == NULL)
      break;
    CHECK(n < sizeof pages / sizeof pages[0]);
    CHECK(pg_ofs(p) == 0);
    CHECK(pa_usable(vtop(p)));
    CHECK(vtop(p) > prev); /* first fit on a fresh pool: strictly increasing */
    prev = vtop(p);
    pages[n++] = p;
  }
  CHECK(n == expect_total);
  palloc_get_usage(&u);
  CHECK((pool & PAL_USER ? u.user_used : u.kernel_used) == n);
  CHECK(host_expect_panic(palloc_get_page(pool | PAL_ASSERT)));
  for (i = 0; i < n; i += 2)
    palloc_free_page(pages[i]);
  for (i = 1; i < n; i += 2)
    palloc_free_page(pages[i]);
  palloc_get_usage(&u);
  CHECK(u.kernel_used == 0 && u.user_used == 0);
}

int main(void)
{
  struct palloc_usage u;
  void *a, *b, *c;
  size_t i;

  host_ram_setup(20);
  palloc_init(SIZE_MAX);
  palloc_get_usage(&u);
  /* 95 low pages + 4848 high pages, minus one bitmap page, split in halves. */
  CHECK(u.kernel_total == 2471 && u.user_total == 2471);
  CHECK(u.kernel_used == 0 && u.user_used == 0);
  CHECK(palloc_ram_bytes == 0x9FC00 + (20u << 20) - 0x100000);

  a = palloc_get_page(0);
  CHECK(vtop(a) == HOST_KERNEL_END_PA + PGSIZE);
  b = palloc_get_page(PAL_USER);
  CHECK(vtop(b) >= 0x100000 && vtop(b) > vtop(a) + 2000 * PGSIZE);
  memset(a, 0x5a, PGSIZE);
  palloc_free_page(a);
  CHECK(host_expect_panic(palloc_free_page(a)));
  c = palloc_get_page(PAL_ZERO);
  CHECK(c == a);
  for (i = 0; i < PGSIZE; i++)
    if (((char *)c)[i] != 0)
      break;
  CHECK(i == PGSIZE);
  palloc_free_page(c);
  palloc_free_page(b);

  /* A run that does not fit below the 0x9F000 hole comes from above 1 MiB. */
  a = palloc_get_multiple(0, 100);
  CHECK(vtop(a) == 0x100000);
  b = palloc_get_multiple(PAL_ZERO, 3);
  CHECK(vtop(b) == HOST_KERNEL_END_PA + PGSIZE);
  palloc_get_usage(&u);
  CHECK(u.kernel_used == 103);
  CHECK(host_expect_panic(palloc_free_multiple(b, 4)));
  palloc_free_multiple(a, 100);
  palloc_free_multiple(b, 3);
  CHECK(palloc_get_multiple(0, 2472) == NULL);
  /* Frees of pages no pool owns: holes, the bitmap page, boot memory, across the hole. */
  CHECK(host_expect_panic(palloc_free_page(ptov(0xA0000))));
  CHECK(host_expect_panic(palloc_free_page(ptov(HOST_KERNEL_END_PA))));
  CHECK(host_expect_panic(palloc_free_page(ptov(0x5000))));
  a = palloc_get_page(0);
  CHECK(host_expect_panic(palloc_free_multiple(ptov(0x9E000), 2)));
  palloc_free_page(a);
  CHECK(palloc_get_multiple(0, 0) == NULL);

  drain_pool(0, 2471);
  drain_pool(PAL_USER, 2471);

  /* -ul caps the user pool; the kernel pool gets the rest. */
  palloc_init(100);
  palloc_get_usage(&u);
  CHECK(u.user_total == 100 && u.kernel_total == 4942 - 100);
  drain_pool(PAL_USER, 100);
  drain_pool(0, 4842);

  palloc_init(0);
  palloc_get_usage(&u);
  CHECK(u.user_total == 0 && u.kernel_total == 4942);
  CHECK(palloc_get_page(PAL_USER) == NULL);

  /* Larger memory: 256 MB. */
  host_ram_setup(256);
  palloc_init(SIZE_MAX);
  palloc_get_usage(&u);
  /* Two bitmaps of 65456 bits: 5 metadata pages. */
  CHECK(u.kernel_total + u.user_total == 95 + ((256u << 20) - 0x110000) / PGSIZE - 5);
  drain_pool(PAL_USER, u.user_total);
  drain_pool(0, u.kernel_total);

  /* A big kernel leaves only 3 pages below 0x9F000: the 4 bitmap pages move to 1 MiB. */
  palloc_host_kernel_end_pa = 0x9C000;
  palloc_init(SIZE_MAX);
  palloc_get_usage(&u);
  CHECK(u.kernel_total + u.user_total == 3 + ((256u << 20) - 0x110000) / PGSIZE - 4);
  a = palloc_get_multiple(0, 4);
  CHECK(vtop(a) == 0x104000);
  b = palloc_get_multiple(0, 3);
  CHECK(vtop(b) == 0x9C000);
  CHECK(host_expect_panic(palloc_free_page(ptov(0x100000))));
  palloc_free_multiple(a, 4);
  palloc_free_multiple(b, 3);
  palloc_host_kernel_end_pa = HOST_KERNEL_END_PA;

  return host_finish("test_palloc");
}
