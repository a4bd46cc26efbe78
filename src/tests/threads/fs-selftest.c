#include "tests/threads/fs-selftest.h"
#include "filesys/file.h"
#include "filesys/filesys.h"
#include "filesys/freemap.h"
#include "lib/stdio.h"
#include "lib/string.h"
#include "threads/malloc.h"
#include "threads/synch.h"
#include "threads/thread.h"

#define SELFTEST_THREADS     4
#define SELFTEST_THREAD_FILE 20000
#define SELFTEST_SHARED_FILE 6000
#define SELFTEST_CHUNK       777
#define SELFTEST_BIG         (8 * 1024 * 1024)

static int selftest_failures;

/* Reports CONDITION under WHAT; counts a failure when it is false. */
static void selftest_check(bool condition, const char *what)
{
  if (!condition) {
    printf("(fs-selftest) FAILED: %s\n", what);
    selftest_failures++;
  }
}

/* Byte at offset OFS of the pattern numbered SEED. */
static uint8_t selftest_pattern(uint32_t ofs, uint32_t seed)
{
  return (uint8_t)((ofs * 7 + seed * 31 + (ofs >> 9)) & 0xff);
}

static void selftest_fill(uint8_t *buf, size_t len, uint32_t ofs, uint32_t seed)
{
  for (size_t i = 0; i < len; i++)
    buf[i] = selftest_pattern(ofs + (uint32_t)i, seed);
}

static bool selftest_matches(const uint8_t *buf, size_t len, uint32_t ofs, uint32_t seed)
{
  for (size_t i = 0; i < len; i++)
    if (buf[i] != selftest_pattern(ofs + (uint32_t)i, seed))
      return false;
  return true;
}

/* Writes pattern SEED over all of FILE from its position 0 in CHUNK-byte pieces through
   BUF; true if every byte was accepted. */
static bool selftest_write_all(struct file *file, uint8_t *buf, size_t chunk, uint32_t seed)
{
  off_t len = file_length(file);
  file_seek(file, 0);
  for (off_t ofs = 0; ofs < len; ofs += (off_t)chunk) {
    size_t n = (size_t)(len - ofs) < chunk ? (size_t)(len - ofs) : chunk;
    selftest_fill(buf, n, (uint32_t)ofs, seed);
    if (file_write(file, buf, (off_t)n) != (off_t)n)
      return false;
  }
  return file_tell(file) == len;
}

/* Reads all of FILE at offsets in CHUNK-byte pieces and compares with pattern SEED. */
static bool selftest_verify_all(struct file *file, uint8_t *buf, size_t chunk, uint32_t seed)
{
  off_t len = file_length(file);
  for (off_t ofs = 0; ofs < len; ofs += (off_t)chunk) {
    size_t n = (size_t)(len - ofs) < chunk ? (size_t)(len - ofs) : chunk;
    if (file_read_at(file, buf, (off_t)n, ofs) != (off_t)n ||
        !selftest_matches(buf, n, (uint32_t)ofs, seed))
      return false;
  }
  return file_read_at(file, buf, 1, len) == 0;
}

/* Names, sizes and the basic read/write contract. */
static void selftest_basics(uint8_t *buf)
{
  selftest_check(filesys_create("st-a", 1000), "create st-a");
  selftest_check(!filesys_create("st-a", 10), "create of an existing name fails");
  selftest_check(!filesys_create("", 10), "create with an empty name fails");
  selftest_check(!filesys_create("abcdefghijklmno", 10), "create with a 15-byte name fails");
  selftest_check(filesys_create("abcdefghijklmn", 0), "create with a 14-byte name");
  selftest_check(filesys_open("abcdefghijklmno") == NULL, "open with a 15-byte name fails");
  selftest_check(filesys_open("st-missing") == NULL, "open of a missing file fails");

  struct file *f = filesys_open("st-a");
  selftest_check(f != NULL, "open st-a");
  if (f == NULL)
    return;
  selftest_check(file_length(f) == 1000, "length of st-a is 1000");
  memset(buf, 0xaa, 1200);
  selftest_check(file_read(f, buf, 1200) == 1000, "read of st-a stops at 1000");
  bool zero = true;
  for (int i = 0; i < 1000; i++)
    zero = zero && buf[i] == 0;
  selftest_check(zero, "a new file reads as zeros");
  selftest_check(file_read(f, buf, 10) == 0, "read at end of file returns 0");
  file_seek(f, 100);
  selftest_fill(buf, 2000, 100, 1);
  selftest_check(file_write(f, buf, 2000) == 2000, "write across the end is whole");
  selftest_check(file_tell(f) == 2100, "position after the write");
  selftest_check(file_length(f) == 2100, "the write grew the file");
  selftest_check(file_read(f, buf, 10) == 0, "read past the end reads nothing");
  file_seek(f, 5000);
  selftest_fill(buf, 10, 5000, 1);
  selftest_check(file_write(f, buf, 10) == 10 && file_length(f) == 5010,
                 "write after a gap grows the file");
  memset(buf, 0xaa, 2900);
  zero = file_read_at(f, buf, 2900, 2100) == 2900;
  for (int i = 0; i < 2900; i++)
    zero = zero && buf[i] == 0;
  selftest_check(zero, "the gap reads as zeros");
  selftest_check(file_read_at(f, buf, 1900, 100) == 1900 && selftest_matches(buf, 1900, 100, 1),
                 "data written reads back");
  selftest_check(file_read_at(f, buf, 100, 4990) == 20 && selftest_matches(buf + 10, 10, 5000, 1),
                 "data after the gap reads back");

  struct file *g = filesys_open("st-a");
  selftest_check(g != NULL && file_same_inode(f, g), "two opens share the inode");
  selftest_check(g != NULL && file_tell(g) == 0, "a new handle starts at 0");
  file_close(g);
  file_close(f);
  selftest_check(filesys_remove("st-a"), "remove st-a");
  selftest_check(!filesys_remove("st-a"), "second remove fails");
  selftest_check(filesys_remove("abcdefghijklmn"), "remove the 14-byte name");
}

/* A removed file stays usable through open handles; its name is free at once. */
static void selftest_remove_open(uint8_t *buf)
{
  selftest_check(filesys_create("st-rm", 3000), "create st-rm");
  struct file *f = filesys_open("st-rm");
  selftest_check(f != NULL, "open st-rm");
  if (f == NULL)
    return;
  selftest_check(selftest_write_all(f, buf, 512, 2), "write st-rm");
  selftest_check(filesys_remove("st-rm"), "remove open st-rm");
  selftest_check(filesys_open("st-rm") == NULL, "removed file cannot be opened");
  selftest_check(selftest_verify_all(f, buf, 333, 2), "removed file still reads");
  selftest_check(filesys_create("st-rm", 100), "name of a removed file is reusable");
  struct file *g = filesys_open("st-rm");
  selftest_check(g != NULL && !file_same_inode(f, g) && file_length(g) == 100,
                 "new file under the old name is a different file");
  file_close(g);
  selftest_check(selftest_write_all(f, buf, 1000, 3) && selftest_verify_all(f, buf, 1000, 3),
                 "removed file still writes");
  file_close(f);
  selftest_check(filesys_remove("st-rm"), "remove the new st-rm");
}

/* Denied writes: through every handle, for as long as a denying handle is open. */
static void selftest_deny_write(uint8_t *buf)
{
  selftest_check(filesys_create("st-exe", 1500), "create st-exe");
  struct file *exe = filesys_open("st-exe");
  struct file *other = filesys_open("st-exe");
  selftest_check(exe != NULL && other != NULL, "open st-exe twice");
  if (exe == NULL || other == NULL) {
    file_close(exe);
    file_close(other);
    return;
  }
  memset(buf, 1, 100);
  file_deny_write(exe);
  file_deny_write(exe);
  selftest_check(file_write(other, buf, 100) == 0, "write to a denied file returns 0");
  selftest_check(file_write_at(exe, buf, 100, 0) == 0, "denying handle cannot write either");
  struct file *dup = file_duplicate(exe);
  struct file *re = file_reopen(exe);
  selftest_check(dup != NULL && re != NULL, "duplicate and reopen");
  file_close(exe);
  selftest_check(file_write(other, buf, 100) == 0, "duplicate keeps the denial");
  file_close(dup);
  selftest_check(file_write(other, buf, 100) == 100, "writes allowed once denials are gone");
  file_deny_write(re);
  file_allow_write(re);
  selftest_check(file_write(re, buf, 100) == 100, "file_allow_write lifts the denial");
  file_close(re);
  file_close(other);
  selftest_check(filesys_remove("st-exe"), "remove st-exe");
}

struct selftest_worker {
  int index;
  bool ok;
  struct semaphore done;
};

/* One of SELFTEST_THREADS concurrent workers: creates, writes, verifies and removes its
   own file while checking the shared file, in odd-sized chunks so sectors are shared
   between calls. */
static void selftest_worker_run(void *aux)
{
  struct selftest_worker *w = aux;
  char name[16];
  uint8_t *buf = malloc(SELFTEST_CHUNK);
  w->ok = buf != NULL;
  snprintf(name, sizeof name, "st-thr-%u", (unsigned)w->index % 10);
  if (w->ok)
    w->ok = filesys_create(name, SELFTEST_THREAD_FILE);
  struct file *mine = w->ok ? filesys_open(name) : NULL;
  struct file *shared = filesys_open("st-shared");
  if (mine == NULL || shared == NULL)
    w->ok = false;
  for (int round = 0; w->ok && round < 3; round++) {
    w->ok = selftest_write_all(mine, buf, SELFTEST_CHUNK, (uint32_t)(w->index * 10 + round)) &&
            selftest_verify_all(shared, buf, SELFTEST_CHUNK - round, 99) &&
            selftest_verify_all(mine, buf, SELFTEST_CHUNK, (uint32_t)(w->index * 10 + round));
    thread_yield();
  }
  file_close(mine);
  file_close(shared);
  if (buf != NULL && !filesys_remove(name))
    w->ok = false;
  free(buf);
  sema_up(&w->done);
}

/* Several threads using the file system at once. */
static void selftest_concurrent(uint8_t *buf)
{
  static struct selftest_worker workers[SELFTEST_THREADS];
  selftest_check(filesys_create("st-shared", SELFTEST_SHARED_FILE), "create st-shared");
  struct file *f = filesys_open("st-shared");
  selftest_check(f != NULL && selftest_write_all(f, buf, 1024, 99), "write st-shared");
  file_close(f);
  for (int i = 0; i < SELFTEST_THREADS; i++) {
    char name[16];
    workers[i].index = i;
    workers[i].ok = false;
    sema_init(&workers[i].done, 0);
    snprintf(name, sizeof name, "fs-worker-%u", (unsigned)i % 10);
    if (thread_create(name, PRI_DEFAULT, selftest_worker_run, &workers[i]) == TID_ERROR) {
      selftest_check(false, "start a worker thread");
      sema_up(&workers[i].done);
    }
  }
  for (int i = 0; i < SELFTEST_THREADS; i++) {
    sema_down(&workers[i].done);
    selftest_check(workers[i].ok, "a concurrent worker saw correct data");
  }
  selftest_check(filesys_remove("st-shared"), "remove st-shared");
}

/* Two files grown side by side in small writes, then read back and removed. */
static void selftest_growth(uint8_t *buf)
{
  static const char *names[2] = {"st-grow-a", "st-grow-b"};
  struct file *f[2];
  for (int i = 0; i < 2; i++) {
    selftest_check(filesys_create(names[i], 0), "create an empty file");
    f[i] = filesys_open(names[i]);
  }
  if (f[0] == NULL || f[1] == NULL) {
    selftest_check(false, "open the growing files");
    file_close(f[0]);
    file_close(f[1]);
    return;
  }
  bool ok = true;
  for (uint32_t ofs = 0; ok && ofs < 150000; ofs += 300)
    for (int i = 0; i < 2; i++) {
      selftest_fill(buf, 300, ofs, (uint32_t)(20 + i));
      ok = ok && file_write(f[i], buf, 300) == 300;
    }
  selftest_check(ok, "interleaved growing writes");
  for (int i = 0; i < 2; i++) {
    selftest_check(file_length(f[i]) == 150000, "grown file has the size written");
    selftest_check(selftest_verify_all(f[i], buf, 4000, (uint32_t)(20 + i)),
                   "grown file reads back");
    file_close(f[i]);
    f[i] = filesys_open(names[i]);
    selftest_check(f[i] != NULL && file_length(f[i]) == 150000 &&
                       selftest_verify_all(f[i], buf, 1111, (uint32_t)(20 + i)),
                   "grown file reads back after reopening");
    file_close(f[i]);
    selftest_check(filesys_remove(names[i]), "remove a grown file");
  }
}

/* An 8 MB file, when the disk has room for one. */
static void selftest_big(uint8_t *buf)
{
  int failures_before = selftest_failures;
  if (freemap_free_count() < SELFTEST_BIG / 512 + 1) {
    printf("(fs-selftest) 8 MB file: skipped (disk too small)\n");
    return;
  }
  selftest_check(filesys_create("st-big", SELFTEST_BIG), "create an 8 MB file");
  struct file *f = filesys_open("st-big");
  if (f == NULL) {
    selftest_check(false, "open the 8 MB file");
    return;
  }
  static const off_t spots[] = {0, 511, 4096 * 100 + 3, SELFTEST_BIG / 2, SELFTEST_BIG - 600};
  for (size_t i = 0; i < sizeof spots / sizeof spots[0]; i++) {
    selftest_fill(buf, 600, (uint32_t)spots[i], 5);
    selftest_check(file_write_at(f, buf, 600, spots[i]) == 600, "write into the 8 MB file");
  }
  for (size_t i = 0; i < sizeof spots / sizeof spots[0]; i++)
    selftest_check(file_read_at(f, buf, 600, spots[i]) == 600 &&
                       selftest_matches(buf, 600, (uint32_t)spots[i], 5),
                   "read back from the 8 MB file");
  selftest_check(file_read_at(f, buf, 600, SELFTEST_BIG - 100) == 100,
                 "short read at the end of the 8 MB file");
  file_close(f);
  selftest_check(filesys_remove("st-big"), "remove the 8 MB file");

  selftest_check(filesys_create("st-big", 0), "create an empty file to grow to 8 MB");
  f = filesys_open("st-big");
  bool ok = f != NULL;
  for (off_t ofs = 0; ok && ofs < SELFTEST_BIG; ofs += 4096) {
    selftest_fill(buf, 4096, (uint32_t)ofs, 6);
    ok = file_write(f, buf, 4096) == 4096;
  }
  selftest_check(ok && file_length(f) == SELFTEST_BIG, "grow a file to 8 MB");
  for (size_t i = 0; ok && i < sizeof spots / sizeof spots[0]; i++)
    selftest_check(file_read_at(f, buf, 600, spots[i]) == 600 &&
                       selftest_matches(buf, 600, (uint32_t)spots[i], 6),
                   "read back from the grown 8 MB file");
  file_close(f);
  selftest_check(filesys_remove("st-big"), "remove the grown 8 MB file");
  if (selftest_failures == failures_before)
    printf("(fs-selftest) 8 MB file: ok\n");
}

void fs_selftest_run(void)
{
  selftest_failures = 0;
  uint8_t *buf = malloc(4096);
  if (buf == NULL) {
    printf("(fs-selftest) FAIL: out of memory\n");
    return;
  }
  struct file *probe = filesys_open("st-probe");
  file_close(probe);
  if (!filesys_create("st-probe", 0) || !filesys_remove("st-probe")) {
    printf("(fs-selftest) FAIL: no usable file system\n");
    free(buf);
    return;
  }
  size_t free_before = freemap_free_count();
  printf("(fs-selftest) begin\n");
  selftest_basics(buf);
  printf("(fs-selftest) basics done\n");
  selftest_remove_open(buf);
  printf("(fs-selftest) remove while open done\n");
  selftest_deny_write(buf);
  printf("(fs-selftest) deny write done\n");
  selftest_concurrent(buf);
  printf("(fs-selftest) concurrent access done\n");
  selftest_growth(buf);
  printf("(fs-selftest) growth done\n");
  selftest_big(buf);
  selftest_check(freemap_free_count() == free_before, "every sector freed again");
  free(buf);
  printf("(fs-selftest) %s\n", selftest_failures == 0 ? "PASS" : "FAIL");
}
