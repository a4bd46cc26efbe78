/* Host unit test of threads/bitmap.c against a bool-array model.
   Build: gcc -Isrc -DHOST_TEST -O1 -g src/tests/host/test_bitmap.c -o test_bitmap */
#include "tests/host/kernel_env.h"
#include "threads/bitmap.c"

static struct bitmap *b;
static bool model[1000];
static size_t model_size;

static size_t model_count(size_t start, size_t cnt, bool v)
{
  size_t i, n = 0;
  for (i = start; i < start + cnt; i++)
    n += model[i] == v;
  return n;
}

static size_t model_scan(size_t start, size_t cnt, bool v)
{
  size_t i, j;
  if (start > model_size)
    return BITMAP_ERROR;
  if (cnt == 0)
    return start;
  for (i = start; i + cnt <= model_size; i++) {
    for (j = 0; j < cnt && model[i + j] == v; j++)
      continue;
    if (j == cnt)
      return i;
  }
  return BITMAP_ERROR;
}

static void compare_all(void)
{
  size_t i;
  for (i = 0; i < model_size; i++)
    if (bitmap_test(b, i) != model[i]) {
      CHECK(bitmap_test(b, i) == model[i]);
      return;
    }
}

static unsigned long rng = 12345;
static size_t rnd(size_t n)
{
  rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
  return n ? (size_t)((rng >> 33) % n) : 0;
}

static void random_ops(size_t size, int rounds)
{
  int r;
  b = bitmap_create(size);
  CHECK(b != NULL);
  model_size = size;
  memset(model, 0, sizeof model);
  CHECK(bitmap_size(b) == size);
  CHECK(bitmap_count(b, 0, size, false) == size);
  for (r = 0; r < rounds; r++) {
    size_t start = rnd(size + 1), cnt = rnd(size - start + 1), i;
    bool v = rnd(2);
    switch (rnd(5)) {
    case 0:
      if (size > 0) {
        i = rnd(size);
        bitmap_set(b, i, v);
        model[i] = v;
      }
      break;
    case 1:
      bitmap_set_multiple(b, start, cnt, v);
      for (i = start; i < start + cnt; i++)
        model[i] = v;
      break;
    case 2:
      CHECK(bitmap_count(b, start, cnt, v) == model_count(start, cnt, v));
      break;
    default: {
      size_t want = model_scan(start, cnt % 70, v);
      size_t got = bitmap_scan_and_flip(b, start, cnt % 70, v);
      CHECK(got == want);
      if (want != BITMAP_ERROR)
        for (i = want; i < want + cnt % 70; i++)
          model[i] = !v;
      break;
    }
    }
    compare_all();
  }
  bitmap_destroy(b);
}

int main(void)
{
  static const size_t sizes[] = {0, 1, 2, 63, 64, 65, 127, 128, 129, 200, 640, 1000};
  size_t i;
  char buf[256];

  for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
    random_ops(sizes[i], 3000);

  /* Fixed cases: runs crossing word boundaries, exhaustion, bits past the end ignored. */
  b = bitmap_create_in_buf(130, buf, sizeof buf);
  CHECK(bitmap_buf_size(130) <= sizeof buf);
  CHECK(bitmap_scan_and_flip(b, 0, 130, false) == 0);
  CHECK(bitmap_count(b, 0, 130, true) == 130);
  CHECK(bitmap_scan_and_flip(b, 0, 1, false) == BITMAP_ERROR);
  bitmap_set_multiple(b, 60, 10, false);
  CHECK(bitmap_scan_and_flip(b, 0, 11, false) == BITMAP_ERROR);
  CHECK(bitmap_scan_and_flip(b, 61, 9, false) == 61);
  CHECK(bitmap_scan_and_flip(b, 0, 1, false) == 60);
  bitmap_set_multiple(b, 128, 2, false);
  CHECK(bitmap_scan_and_flip(b, 0, 3, false) == BITMAP_ERROR);
  CHECK(bitmap_scan_and_flip(b, 0, 2, false) == 128);
  CHECK(bitmap_scan_and_flip(b, 131, 0, false) == BITMAP_ERROR);
  CHECK(bitmap_scan_and_flip(b, 130, 0, false) == 130);
  CHECK(host_expect_panic(bitmap_set(b, 130, true)));
  CHECK(host_expect_panic(bitmap_count(b, 100, 31, true)));

  /* A large bitmap: a single free bit at the end is found by word skipping. */
  b = bitmap_create(1 << 20);
  bitmap_set_multiple(b, 0, (1 << 20) - 1, true);
  CHECK(bitmap_count(b, 0, 1 << 20, true) == (1 << 20) - 1);
  CHECK(bitmap_scan_and_flip(b, 5, 1, false) == (1 << 20) - 1);
  CHECK(bitmap_scan_and_flip(b, 0, 1, false) == BITMAP_ERROR);
  bitmap_destroy(b);

  return host_finish("test_bitmap");
}
