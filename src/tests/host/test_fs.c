/* Host harness for the kernel file system (the C files of src/filesys): the kernel code runs
   unchanged in a Linux process over an image file, with the block layer, locks,
   semaphores, threads and page allocator replaced by stubs built on pthreads (threads
   really run in parallel, which is harsher than the kernel's scheduler).
   Build: gcc -Isrc -DHOST_TEST -O1 -g src/tests/host/test_fs.c -o test_fs (the file
   system sources are included below). tools/tests/test_fs_host.py builds and drives it
   with images from tools/kfs.py and checks them with kfs.check.

     test_fs                       unit mode: formats a scratch image itself, runs the
                                   self-test, grows files side by side, remounts and
                                   checks contents and free space; exit 0 on success
     test_fs IMG selftest          fs_selftest_run()
     test_fs IMG cat NAME          copy NAME to standard output
     test_fs IMG put NAME HOST     create NAME with HOST's size and write HOST into it
     test_fs IMG rm NAME           remove NAME
     test_fs IMG rm-open NAME      open NAME, remove it, power off with it still open
     test_fs IMG interleave N SIZE CHUNK
                                   grow files g0..g(N-1) from empty to SIZE bytes in
                                   round-robin writes of CHUNK bytes (byte i of file k is
                                   (i * 7 + k) % 251) and leave them
     test_fs IMG frag              fill the disk with 10 kB files, remove every other
                                   one, then write and check a file that needs many
                                   extents (the small files are left in place)
   Every mode mounts with filesys_init (its message goes to standard error) and finishes
   with filesys_done, then prints "io: R reads, W writes" on standard error. Exit 0 on
   success. */

#define off_t libc_off_t
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#undef off_t

#include "devices/block.h"
#include "filesys/file.h"
#include "filesys/filesys.h"
#include "tests/threads/fs-selftest.h"
#include "filesys/layout.h"
#include "threads/palloc.h"
#include "threads/synch.h"
#include "threads/thread.h"

#include "lib/kernel/list.c"
#include "filesys/cache.c"
#include "filesys/directory.c"
#include "filesys/file.c"
#include "filesys/filesys.c"
#include "filesys/freemap.c"
#include "tests/threads/fs-selftest.c"
#include "filesys/inode.c"

/* ---- block layer over an image file ---- */

static FILE *host_image;
static block_sector_t host_sectors;
static unsigned long host_reads, host_writes;
static pthread_mutex_t host_io_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct block *host_fs_block = (struct block *)&host_image;

struct block *block_get_role(enum block_role role)
{
  return role == BLOCK_FILESYS && host_image != NULL ? host_fs_block : NULL;
}

block_sector_t block_size(struct block *b)
{
  (void)b;
  return host_sectors;
}

const char *block_name(struct block *b)
{
  (void)b;
  return "hd0:1";
}

void block_read(struct block *b, block_sector_t sector, void *buf)
{
  (void)b;
  if (sector >= host_sectors) {
    fprintf(stderr, "block_read past end: %u\n", sector);
    abort();
  }
  pthread_mutex_lock(&host_io_mutex);
  if (fseek(host_image, (long)sector * BLOCK_SECTOR_SIZE, SEEK_SET) != 0 ||
      fread(buf, BLOCK_SECTOR_SIZE, 1, host_image) != 1)
    abort();
  host_reads++;
  pthread_mutex_unlock(&host_io_mutex);
}

void block_write(struct block *b, block_sector_t sector, const void *buf)
{
  (void)b;
  if (sector >= host_sectors) {
    fprintf(stderr, "block_write past end: %u\n", sector);
    abort();
  }
  pthread_mutex_lock(&host_io_mutex);
  if (fseek(host_image, (long)sector * BLOCK_SECTOR_SIZE, SEEK_SET) != 0 ||
      fwrite(buf, BLOCK_SECTOR_SIZE, 1, host_image) != 1)
    abort();
  host_writes++;
  pthread_mutex_unlock(&host_io_mutex);
}

/* The block layer's multi-sector calls, sector by sector (the cache clusters its transfers:
   a run must stay inside the disk and within BLOCK_MAX_SECTORS). */
void block_read_sectors(struct block *b, block_sector_t sector, unsigned count, void *buf)
{
  if (count < 1 || count > BLOCK_MAX_SECTORS) {
    fprintf(stderr, "block_read_sectors of %u sectors\n", count);
    abort();
  }
  for (unsigned i = 0; i < count; i++)
    block_read(b, sector + i, (uint8_t *)buf + i * BLOCK_SECTOR_SIZE);
}

void block_write_sectors(struct block *b, block_sector_t sector, unsigned count, const void *buf)
{
  if (count < 1 || count > BLOCK_MAX_SECTORS) {
    fprintf(stderr, "block_write_sectors of %u sectors\n", count);
    abort();
  }
  for (unsigned i = 0; i < count; i++)
    block_write(b, sector + i, (const uint8_t *)buf + i * BLOCK_SECTOR_SIZE);
}

/* ---- synchronisation: every semaphore shares one mutex and condition variable ---- */

static pthread_mutex_t host_sync_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t host_sync_cond = PTHREAD_COND_INITIALIZER;
static __thread struct thread host_self;

struct thread *thread_current(void) { return &host_self; }

void sema_init(struct semaphore *s, unsigned value)
{
  s->value = value;
  list_init(&s->waiters);
}

void sema_down(struct semaphore *s)
{
  pthread_mutex_lock(&host_sync_mutex);
  while (s->value == 0)
    pthread_cond_wait(&host_sync_cond, &host_sync_mutex);
  s->value--;
  pthread_mutex_unlock(&host_sync_mutex);
}

bool sema_try_down(struct semaphore *s)
{
  bool ok;
  pthread_mutex_lock(&host_sync_mutex);
  ok = s->value > 0;
  if (ok)
    s->value--;
  pthread_mutex_unlock(&host_sync_mutex);
  return ok;
}

void sema_up(struct semaphore *s)
{
  pthread_mutex_lock(&host_sync_mutex);
  s->value++;
  pthread_cond_broadcast(&host_sync_cond);
  pthread_mutex_unlock(&host_sync_mutex);
}

void lock_init(struct lock *l)
{
  l->holder = NULL;
  sema_init(&l->semaphore, 1);
}

/* The holder field is read outside the semaphore, so every access is atomic. */
static struct thread *host_holder(const struct lock *l)
{
  return __atomic_load_n(&l->holder, __ATOMIC_RELAXED);
}

static void host_set_holder(struct lock *l, struct thread *t)
{
  __atomic_store_n(&l->holder, t, __ATOMIC_RELAXED);
}

void lock_acquire(struct lock *l)
{
  if (host_holder(l) == thread_current()) {
    fprintf(stderr, "lock_acquire: recursive acquire\n");
    abort();
  }
  sema_down(&l->semaphore);
  host_set_holder(l, thread_current());
}

bool lock_try_acquire(struct lock *l)
{
  if (!sema_try_down(&l->semaphore))
    return false;
  host_set_holder(l, thread_current());
  return true;
}

void lock_release(struct lock *l)
{
  if (host_holder(l) != thread_current()) {
    fprintf(stderr, "lock_release: not the holder\n");
    abort();
  }
  host_set_holder(l, NULL);
  sema_up(&l->semaphore);
}

bool lock_held_by_current_thread(const struct lock *l)
{
  return host_holder(l) == thread_current();
}

/* ---- threads and pages ---- */

struct host_start {
  thread_func *fn;
  void *aux;
};

static void *host_thread_main(void *arg)
{
  struct host_start start = *(struct host_start *)arg;
  free(arg);
  start.fn(start.aux);
  return NULL;
}

tid_t thread_create(const char *name, int priority, thread_func *fn, void *aux)
{
  static int next_tid = 2;
  pthread_t t;
  struct host_start *start = malloc(sizeof *start);
  (void)name;
  (void)priority;
  if (start == NULL)
    return TID_ERROR;
  start->fn = fn;
  start->aux = aux;
  if (pthread_create(&t, NULL, host_thread_main, start) != 0) {
    free(start);
    return TID_ERROR;
  }
  pthread_detach(t);
  return __atomic_fetch_add(&next_tid, 1, __ATOMIC_SEQ_CST);
}

void thread_yield(void) { sched_yield(); }

static long host_pages;

void *palloc_get_multiple(enum palloc_flags flags, size_t page_cnt)
{
  void *p = aligned_alloc(4096, page_cnt * 4096);
  if (p != NULL && (flags & PAL_ZERO))
    memset(p, 0, page_cnt * 4096);
  __atomic_add_fetch(&host_pages, (long)page_cnt, __ATOMIC_SEQ_CST);
  return p;
}

void *palloc_get_page(enum palloc_flags flags) { return palloc_get_multiple(flags, 1); }

void debug_panic(const char *file, int line, const char *function, const char *message, ...)
{
  va_list ap;
  fprintf(stderr, "PANIC at %s:%d in %s: ", file, line, function);
  va_start(ap, message);
  vfprintf(stderr, message, ap);
  va_end(ap);
  fputc('\n', stderr);
  abort();
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
  size_t len = strlen(src);
  if (size > 0) {
    size_t n = len < size - 1 ? len : size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
  }
  return len;
}

/* ---- driver ---- */

/* Copies NAME out of the file system to standard output. */
static int host_cat(const char *name)
{
  static char buf[3000];
  struct file *f = filesys_open(name);
  off_t n;
  if (f == NULL) {
    fprintf(stderr, "test_fs: cannot open %s\n", name);
    return 1;
  }
  while ((n = file_read(f, buf, sizeof buf)) > 0)
    fwrite(buf, 1, (size_t)n, stdout);
  file_close(f);
  return 0;
}

/* Creates NAME sized like HOST_PATH and writes HOST_PATH's bytes into it. */
static int host_put(const char *name, const char *host_path)
{
  static char buf[1500];
  FILE *in = fopen(host_path, "rb");
  size_t n;
  long size;
  if (in == NULL || fseek(in, 0, SEEK_END) != 0 || (size = ftell(in)) < 0) {
    fprintf(stderr, "test_fs: cannot read %s\n", host_path);
    return 1;
  }
  rewind(in);
  if (!filesys_create(name, (uint32_t)size)) {
    fprintf(stderr, "test_fs: cannot create %s\n", name);
    fclose(in);
    return 1;
  }
  struct file *f = filesys_open(name);
  while (f != NULL && (n = fread(buf, 1, sizeof buf, in)) > 0)
    if (file_write(f, buf, (off_t)n) != (off_t)n) {
      fprintf(stderr, "test_fs: short write to %s\n", name);
      return 1;
    }
  file_close(f);
  fclose(in);
  return f == NULL;
}

/* Removes NAME while a handle is open and leaves the handle open across filesys_done. */
static int host_rm_open(const char *name)
{
  struct file *f = filesys_open(name);
  if (f == NULL || !filesys_remove(name)) {
    fprintf(stderr, "test_fs: cannot open and remove %s\n", name);
    return 1;
  }
  return 0;
}

/* Fragments the free space and checks a file spread over many extents. */
static int host_frag(void)
{
  static uint8_t buf[4096];
  char name[16];
  int cnt = 0, removed = 0;
  while (cnt < 999) {
    snprintf(name, sizeof name, "frag%03d", cnt);
    if (!filesys_create(name, 10 * 1024))
      break;
    cnt++;
  }
  for (int i = 0; i < cnt; i += 2) {
    snprintf(name, sizeof name, "frag%03d", i);
    removed += filesys_remove(name);
  }
  off_t size = (off_t)(removed * 10 * 1024 / 2 + 777);
  if (cnt < 8 || !filesys_create("spread", (uint32_t)size)) {
    fprintf(stderr, "test_fs: frag: %d files, cannot create the spread file\n", cnt);
    return 1;
  }
  struct file *f = filesys_open("spread");
  for (off_t ofs = 0; ofs < size; ofs += (off_t)sizeof buf) {
    for (size_t i = 0; i < sizeof buf; i++)
      buf[i] = (uint8_t)((ofs + (off_t)i) * 13 / 512);
    off_t want = size - ofs < (off_t)sizeof buf ? size - ofs : (off_t)sizeof buf;
    if (file_write(f, buf, want) != want)
      return 1;
  }
  for (off_t ofs = 0; ofs < size; ofs += 1000) {
    off_t want = size - ofs < 1000 ? size - ofs : 1000;
    if (file_read_at(f, buf, 1000, ofs) != want)
      return 1;
    for (off_t i = 0; i < want; i++)
      if (buf[i] != (uint8_t)((ofs + i) * 13 / 512)) {
        fprintf(stderr, "test_fs: frag: bad byte at %d\n", (int)(ofs + i));
        return 1;
      }
  }
  file_close(f);
  printf("frag: %d files, %d removed, spread file of %d bytes ok\n", cnt, removed, (int)size);
  return 0;
}

/* Grows N files side by side to SIZE bytes in CHUNK-byte writes. */
static int host_interleave(int n, long size, long chunk)
{
  static uint8_t buf[65536];
  struct file *f[16];
  char name[16];
  if (n < 1 || n > 16 || size < 0 || chunk < 1 || chunk > (long)sizeof buf)
    return 2;
  for (int k = 0; k < n; k++) {
    snprintf(name, sizeof name, "g%d", k);
    if (!filesys_create(name, 0) || (f[k] = filesys_open(name)) == NULL)
      return 1;
  }
  for (long ofs = 0; ofs < size; ofs += chunk) {
    long len = size - ofs < chunk ? size - ofs : chunk;
    for (int k = 0; k < n; k++) {
      for (long i = 0; i < len; i++)
        buf[i] = (uint8_t)(((ofs + i) * 7 + k) % 251);
      if (file_write(f[k], buf, (off_t)len) != (off_t)len) {
        fprintf(stderr, "test_fs: interleave: short write to g%d at %ld\n", k, ofs);
        return 1;
      }
    }
  }
  for (int k = 0; k < n; k++)
    file_close(f[k]);
  return 0;
}

/* Formats the open scratch image (SECTORS sectors, all zero) as an empty file system
   with DIR_SECTORS directory sectors. */
static void host_format(uint32_t sectors, uint32_t dir_sectors)
{
  static struct kfs_super super;
  static uint8_t map[KFS_SECTOR_SIZE];
  memcpy(super.magic, KFS_MAGIC, sizeof super.magic);
  super.version = KFS_VERSION;
  super.sector_cnt = sectors;
  super.freemap_start = 1;
  super.freemap_sectors = (sectors + KFS_BITS_PER_SECTOR - 1) / KFS_BITS_PER_SECTOR;
  super.dir_start = 1 + super.freemap_sectors;
  super.dir_sectors = dir_sectors;
  block_write(NULL, 0, &super);
  for (uint32_t i = 0; i < super.freemap_sectors; i++) {
    memset(map, 0, sizeof map);
    for (uint32_t s = i * KFS_BITS_PER_SECTOR; s < (i + 1) * KFS_BITS_PER_SECTOR; s++)
      if (s < super.dir_start + dir_sectors)
        map[(s % KFS_BITS_PER_SECTOR) / 8] |= (uint8_t)(1u << (s % 8));
    block_write(NULL, 1 + i, map);
  }
}

/* Mounts, quietly unless VERBOSE. */
static void host_mount(bool verbose)
{
  int saved_stdout = dup(1);
  int sink = verbose ? 2 : open("/dev/null", O_WRONLY);
  fflush(stdout);
  dup2(sink, 1);
  filesys_init();
  fflush(stdout);
  dup2(saved_stdout, 1);
  close(saved_stdout);
  if (sink != 2)
    close(sink);
}

/* True if file NAME holds SIZE bytes following the interleave pattern of file K. */
static bool host_check_grown(const char *name, long size, int k)
{
  static uint8_t buf[5000];
  struct file *f = filesys_open(name);
  bool ok = f != NULL && file_length(f) == size;
  for (long ofs = 0; ok && ofs < size; ofs += (long)sizeof buf) {
    off_t n = file_read(f, buf, (off_t)sizeof buf);
    ok = n == (size - ofs < (long)sizeof buf ? size - ofs : (long)sizeof buf);
    for (off_t i = 0; ok && i < n; i++)
      ok = buf[i] == (uint8_t)(((ofs + i) * 7 + k) % 251);
  }
  file_close(f);
  return ok;
}

/* Unit mode: everything on a scratch image; returns the exit status. */
static int host_unit(void)
{
  char path[] = "/tmp/kfs-unit-XXXXXX";
  int fd = mkstemp(path), failures = 0;
  if (fd < 0 || ftruncate(fd, 12L * 1024 * 1024) != 0) {
    fprintf(stderr, "test_fs: cannot make a scratch image\n");
    return 2;
  }
  host_image = fdopen(fd, "r+b");
  unlink(path);
  host_sectors = 12 * 2048;
  host_format(host_sectors, 4);

  host_mount(false);
  size_t free_at_start = freemap_free_count();
  fs_selftest_run();
  failures += selftest_failures != 0;
  filesys_done();

  host_mount(false);
  if (freemap_free_count() != free_at_start) {
    printf("test_fs: %zu sectors free after the self-test, %zu before\n", freemap_free_count(),
           free_at_start);
    failures++;
  }
  if (host_interleave(3, 200000, 999) != 0) {
    printf("test_fs: interleaved growth failed\n");
    failures++;
  }
  filesys_done();

  host_mount(false);
  for (int k = 0; k < 3; k++) {
    char name[4] = {'g', (char)('0' + k), 0};
    if (!host_check_grown(name, 200000, k) || !filesys_remove(name)) {
      printf("test_fs: %s is wrong after remounting\n", name);
      failures++;
    }
  }
  filesys_done();
  host_mount(false);
  if (freemap_free_count() != free_at_start) {
    printf("test_fs: sectors lost after growing and removing files\n");
    failures++;
  }

  struct file *late = filesys_create("late", 10) ? filesys_open("late") : NULL;
  filesys_done();
  if (late == NULL || file_write(late, "0123456789abc", 13) != 0 || filesys_open("late") != NULL ||
      filesys_create("later", 1)) {
    printf("test_fs: the file system still changes after filesys_done\n");
    failures++;
  }
  file_close(late);
  host_mount(false);
  if (freemap_free_count() != free_at_start - 2 || !filesys_remove("late")) {
    printf("test_fs: wrong free space after a power-off with an open file\n");
    failures++;
  }
  filesys_done();
  fclose(host_image);
  printf("test_fs: %s (%lu reads, %lu writes)\n", failures ? "FAIL" : "PASS", host_reads,
         host_writes);
  fflush(stdout);
  return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
  int rc = 2;
  if (argc == 1)
    return host_unit();
  if (argc < 3) {
    fprintf(stderr, "usage: test_fs [IMG selftest|cat NAME|put NAME HOST|rm NAME|...]\n");
    return 2;
  }
  host_image = fopen(argv[1], "r+b");
  if (host_image == NULL || fseek(host_image, 0, SEEK_END) != 0) {
    fprintf(stderr, "test_fs: cannot open %s\n", argv[1]);
    return 2;
  }
  host_sectors = (block_sector_t)(ftell(host_image) / BLOCK_SECTOR_SIZE);
  setvbuf(stdout, NULL, _IOFBF, 1 << 16);
  host_mount(true);
  if (strcmp(argv[2], "selftest") == 0) {
    fs_selftest_run();
    rc = 0;
  } else if (strcmp(argv[2], "cat") == 0 && argc == 4) {
    rc = host_cat(argv[3]);
  } else if (strcmp(argv[2], "put") == 0 && argc == 5) {
    rc = host_put(argv[3], argv[4]);
  } else if (strcmp(argv[2], "rm-open") == 0 && argc == 4) {
    rc = host_rm_open(argv[3]);
  } else if (strcmp(argv[2], "interleave") == 0 && argc == 6) {
    rc = host_interleave(atoi(argv[3]), atol(argv[4]), atol(argv[5]));
  } else if (strcmp(argv[2], "frag") == 0 && argc == 3) {
    rc = host_frag();
  } else if (strcmp(argv[2], "rm") == 0 && argc == 4) {
    rc = filesys_remove(argv[3]) ? 0 : 1;
  } else {
    fprintf(stderr, "test_fs: bad arguments\n");
  }
  filesys_done();
  fflush(stdout);
  fclose(host_image);
  fprintf(stderr, "io: %lu reads, %lu writes\n", host_reads, host_writes);
  return rc;
}
