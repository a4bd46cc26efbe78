/* malloc/calloc/realloc/free under a deterministic random mix of sizes (16 bytes to several
   pages), with a pattern written into every block and verified before it is freed or
   resized; then the same from four threads at once. At the end the kernel pool usage must
   be what it was at the start (empty arenas go back to palloc). */
#include "lib/string.h"
#include "tests/threads/tests.h"
#include "threads/malloc.h"
#include "threads/palloc.h"
#include "threads/synch.h"
#include "threads/thread.h"

#define SLOTS        256
#define OPS          2000
#define WORKERS      4
#define WORKER_SLOTS 64
#define WORKER_OPS   400

struct stress {
  uint8_t *ptr[SLOTS];
  size_t len[SLOTS];
  uint64_t rng;
  unsigned id;
  size_t slots, ops;
  bool ok;
};

static size_t stress_rand(struct stress *s, size_t n)
{
  s->rng = s->rng * 6364136223846793005ULL + 1442695040888963407ULL;
  return (size_t)((s->rng >> 33) % n);
}

static size_t stress_size(struct stress *s)
{
  switch (stress_rand(s, 8)) {
  case 0:
    return 1 + stress_rand(s, 16);
  case 1:
  case 2:
    return 1 + stress_rand(s, 128);
  case 3:
    return 1 + stress_rand(s, 1024);
  case 4:
    return 1 + stress_rand(s, 2048);
  case 5:
    return 1000 + stress_rand(s, 8000);
  default:
    return 1 + stress_rand(s, 400);
  }
}

/* Expected contents of block SLOT: byte K is byte K % 8 of word pattern_word(K / 8), so
   fill and verify can work a word at a time (blocks are 16-byte aligned). */
static uint64_t pattern_word(const struct stress *s, size_t slot, size_t w)
{
  return (((uint64_t)s->id << 48) | ((uint64_t)slot << 32) | w) * 0x9E3779B97F4A7C15ULL;
}

static uint8_t pattern_byte(const struct stress *s, size_t slot, size_t k)
{
  return (uint8_t)(pattern_word(s, slot, k / 8) >> (8 * (k % 8)));
}

/* Writes the pattern into bytes [FROM, len) of block I. */
static void stress_fill(struct stress *s, size_t i, size_t from)
{
  size_t k = from, n = s->len[i];
  while (k < n) {
    if (k % 8 == 0 && n - k >= 8) {
      *(uint64_t *)(s->ptr[i] + k) = pattern_word(s, i, k / 8);
      k += 8;
    } else {
      s->ptr[i][k] = pattern_byte(s, i, k);
      k++;
    }
  }
}

/* True if bytes [0, N) of block I hold the pattern. */
static bool stress_verify(const struct stress *s, size_t i, size_t n)
{
  size_t k = 0;
  while (k < n) {
    if (k % 8 == 0 && n - k >= 8) {
      if (*(const uint64_t *)(s->ptr[i] + k) != pattern_word(s, i, k / 8))
        return false;
      k += 8;
    } else {
      if (s->ptr[i][k] != pattern_byte(s, i, k))
        return false;
      k++;
    }
  }
  return true;
}

/* Runs S->ops random operations on S->slots slots, then frees everything. Sets S->ok. */
static void stress_run(struct stress *s)
{
  s->ok = true;
  for (size_t op = 0; op < s->ops && s->ok; op++) {
    size_t i = stress_rand(s, s->slots);
    if (s->ptr[i] == NULL) {
      s->len[i] = stress_size(s);
      if (stress_rand(s, 4) == 0) {
        s->ptr[i] = calloc(1, s->len[i]);
        for (size_t k = 0; s->ptr[i] != NULL && k < s->len[i]; k++)
          if (s->ptr[i][k] != 0)
            s->ok = false;
      } else {
        s->ptr[i] = malloc(s->len[i]);
      }
      if (s->ptr[i] == NULL)
        s->ok = false;
      else
        stress_fill(s, i, 0);
    } else if (!stress_verify(s, i, s->len[i])) {
      s->ok = false;
    } else if (stress_rand(s, 3) == 0) {
      size_t n = stress_size(s), keep = n < s->len[i] ? n : s->len[i];
      uint8_t *q = realloc(s->ptr[i], n);
      if (q == NULL) {
        s->ok = false;
        break;
      }
      s->ptr[i] = q;
      if (!stress_verify(s, i, keep))
        s->ok = false;
      s->len[i] = n;
      stress_fill(s, i, keep);
    } else {
      free(s->ptr[i]);
      s->ptr[i] = NULL;
    }
  }
  for (size_t i = 0; i < s->slots; i++) {
    if (s->ptr[i] != NULL && !stress_verify(s, i, s->len[i]))
      s->ok = false;
    free(s->ptr[i]);
    s->ptr[i] = NULL;
  }
}

static struct stress workers[WORKERS];
static struct semaphore workers_done;

static void worker(void *aux)
{
  struct stress *s = aux;
  for (int round = 0; round < 2; round++) {
    stress_run(s);
    thread_yield();
  }
  sema_up(&workers_done);
}

void test_malloc_stress(void)
{
  static struct stress single;
  struct palloc_usage before, after;

  msg("begin");
  palloc_get_usage(&before);

  memset(&single, 0, sizeof single);
  single.rng = 20260101;
  single.slots = SLOTS;
  single.ops = OPS;
  stress_run(&single);
  CHECK(single.ok, "single thread: pattern mismatch or allocation failure");
  msg("single thread: %d operations, patterns intact", OPS);

  sema_init(&workers_done, 0);
  for (unsigned t = 0; t < WORKERS; t++) {
    char name[16] = "mstress-0";
    memset(&workers[t], 0, sizeof workers[t]);
    workers[t].rng = 1000 + t;
    workers[t].id = t + 1;
    workers[t].slots = WORKER_SLOTS;
    workers[t].ops = WORKER_OPS;
    name[8] = (char)('0' + t);
    CHECK(thread_create(name, PRI_DEFAULT, worker, &workers[t]) != TID_ERROR,
          "thread_create failed");
  }
  for (unsigned t = 0; t < WORKERS; t++)
    sema_down(&workers_done);
  /* A worker may be preempted between sema_up and thread_exit; yielding lets every ready
     worker finish, and its pages are freed on the switch away from it. */
  for (unsigned t = 0; t < 2 * WORKERS; t++)
    thread_yield();
  for (unsigned t = 0; t < WORKERS; t++)
    CHECK(workers[t].ok, "worker %u: pattern mismatch or allocation failure", t);
  msg("%d threads: patterns intact", WORKERS);

  palloc_get_usage(&after);
  CHECK(after.kernel_used == before.kernel_used, "kernel pool: %zu pages used before, %zu after",
        before.kernel_used, after.kernel_used);
  msg("all memory released");
  msg("end");
}
