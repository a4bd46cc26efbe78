/* Host unit test of threads/malloc.c on top of the real palloc over fake RAM. The kernel's
   malloc/free are renamed so they do not replace the host C library's.
   Build: gcc -Isrc -DHOST_TEST -O1 -g src/tests/host/test_malloc.c -o test_malloc */
#include "tests/host/kernel_env.h"
#include "threads/bitmap.c"
#include "threads/e820.c"
#include "threads/palloc.c"
#define malloc  kmalloc
#define calloc  kcalloc
#define realloc krealloc
#define free    kfree
#include "threads/malloc.c"

#define SLOTS 3000

static unsigned char *ptr[SLOTS];
static size_t len[SLOTS];
static unsigned long rng = 42;

static size_t rnd(size_t n)
{
  rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
  return (size_t)((rng >> 33) % n);
}

static size_t random_size(void)
{
  switch (rnd(8)) {
  case 0:
    return 1 + rnd(16);
  case 1:
  case 2:
    return 1 + rnd(128);
  case 3:
  case 4:
    return 1 + rnd(1024);
  case 5:
    return 1 + rnd(2048);
  case 6:
    return 1000 + rnd(10000);
  default:
    return 1 + rnd(300);
  }
}

static void fill(size_t i)
{
  size_t k;
  for (k = 0; k < len[i]; k++)
    ptr[i][k] = (unsigned char)(i * 7 + k);
}

static bool verify(size_t i, size_t n)
{
  size_t k;
  for (k = 0; k < n; k++)
    if (ptr[i][k] != (unsigned char)(i * 7 + k))
      return false;
  return true;
}

static bool overlaps(size_t i)
{
  size_t j;
  for (j = 0; j < SLOTS; j++)
    if (j != i && ptr[j] != NULL && ptr[i] < ptr[j] + len[j] && ptr[j] < ptr[i] + len[i])
      return true;
  return false;
}

int main(void)
{
  struct palloc_usage u;
  size_t i, round;
  void *p, *q;

  host_ram_setup(64);
  palloc_init(SIZE_MAX);
  malloc_init();

  CHECK(kmalloc(0) == NULL);
  kfree(NULL);
  p = kmalloc(1);
  CHECK(p != NULL && ((uintptr_t)p & 15) == 0);
  palloc_get_usage(&u);
  CHECK(u.kernel_used == 1);
  kfree(p);
  palloc_get_usage(&u);
  CHECK(u.kernel_used == 0);
  CHECK(host_expect_panic(kfree(p))); /* arena gone: bad magic */
  p = kmalloc(24);
  q = kmalloc(24);
  kfree(p);
  CHECK(host_expect_panic(kfree(p))); /* arena alive: free-list check */
  kfree(q);

  /* Alignment and classes. */
  for (i = 1; i <= 5000; i += 37) {
    p = kmalloc(i);
    CHECK(p != NULL);
    if (i <= 1024) {
      size_t cls = 16;
      while (cls < i)
        cls <<= 1;
      CHECK((uintptr_t)p % cls == 0);
    } else {
      CHECK((uintptr_t)p % 16 == 0);
    }
    kfree(p);
  }
  palloc_get_usage(&u);
  CHECK(u.kernel_used == 0);

  /* calloc and realloc. */
  p = kcalloc(100, 10);
  for (i = 0; i < 1000 && ((char *)p)[i] == 0; i++)
    continue;
  CHECK(i == 1000);
  CHECK(kcalloc(SIZE_MAX / 2, 3) == NULL);
  CHECK(kmalloc(SIZE_MAX) == NULL);
  memset(p, 0x33, 1000);
  q = krealloc(p, 1020);
  CHECK(q == p);
  q = krealloc(p, 3000);
  CHECK(q != p && ((unsigned char *)q)[999] == 0x33);
  p = krealloc(q, 50);
  CHECK(((unsigned char *)p)[49] == 0x33);
  CHECK(krealloc(p, 0) == NULL);
  p = krealloc(NULL, 10);
  kfree(p);
  palloc_get_usage(&u);
  CHECK(u.kernel_used == 0);

  /* Random stress with pattern checks and overlap checks. */
  for (round = 0; round < 60000; round++) {
    i = rnd(SLOTS);
    if (ptr[i] != NULL) {
      if (!verify(i, len[i])) {
        CHECK(verify(i, len[i]));
        break;
      }
      if (rnd(4) == 0) {
        size_t n = random_size();
        unsigned char *r = krealloc(ptr[i], n);
        CHECK(r != NULL);
        ptr[i] = r;
        CHECK(verify(i, len[i] < n ? len[i] : n));
        len[i] = n;
        fill(i);
      } else {
        kfree(ptr[i]);
        ptr[i] = NULL;
      }
    } else {
      len[i] = random_size();
      ptr[i] = kmalloc(len[i]);
      CHECK(ptr[i] != NULL);
      if (round % 97 == 0)
        CHECK(!overlaps(i));
      fill(i);
    }
  }
  for (i = 0; i < SLOTS; i++) {
    if (ptr[i] != NULL) {
      CHECK(verify(i, len[i]));
      kfree(ptr[i]);
    }
  }
  palloc_get_usage(&u);
  CHECK(u.kernel_used == 0);

  /* Exhaustion: malloc returns NULL, and everything comes back afterwards. */
  {
    size_t n = 0;
    static void *all[400000];
    while (n < 400000 && (all[n] = kmalloc(512)) != NULL)
      n++;
    palloc_get_usage(&u);
    CHECK(u.kernel_used == u.kernel_total);
    CHECK(n == u.kernel_total * ((PGSIZE - ARENA_HDR) / 512));
    while (n > 0)
      kfree(all[--n]);
    palloc_get_usage(&u);
    CHECK(u.kernel_used == 0);
  }
  return host_finish("test_malloc");
}
