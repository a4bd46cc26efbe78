/* ATA driver through the block layer: writes a pattern to sectors spread over the swap disk
   (hd1:1; needs `swap = 1` in tests.cfg), reads them back, then has three threads hammer
   the disk at once (two on the swap disk, serialised by the channel lock, one reading the
   boot disk on the other channel) and checks every sector. Output is timing-independent. */
#include "devices/block.h"
#include "lib/string.h"
#include "tests/threads/tests.h"
#include "threads/synch.h"
#include "threads/thread.h"

#define SECTORS 24
#define ROUNDS  4

static uint8_t pattern_of(block_sector_t sector, unsigned salt, size_t k)
{
  return (uint8_t)(sector * 13 + salt * 101 + k * 7 + (k >> 8));
}

static void fill(uint8_t *buf, block_sector_t sector, unsigned salt)
{
  for (size_t k = 0; k < BLOCK_SECTOR_SIZE; k++)
    buf[k] = pattern_of(sector, salt, k);
}

static bool matches(const uint8_t *buf, block_sector_t sector, unsigned salt)
{
  for (size_t k = 0; k < BLOCK_SECTOR_SIZE; k++)
    if (buf[k] != pattern_of(sector, salt, k))
      return false;
  return true;
}

/* Sector number I of the SECTORS test sectors, spread over the whole disk. */
static block_sector_t test_sector(struct block *b, unsigned i)
{
  return (block_sector_t)((uint64_t)block_size(b) * i / SECTORS);
}

struct worker {
  struct block *disk;
  unsigned first, salt; /* sectors first, first + 2, ... */
  bool write, ok;
};

static struct semaphore done;
static uint8_t boot_sector0[BLOCK_SECTOR_SIZE];

static void worker_run(void *aux)
{
  struct worker *w = aux;
  uint8_t buf[BLOCK_SECTOR_SIZE];
  w->ok = true;
  for (unsigned r = 0; r < ROUNDS; r++) {
    for (unsigned i = w->first; i < SECTORS; i += 2) {
      if (w->write) {
        block_sector_t s = test_sector(w->disk, i);
        fill(buf, s, w->salt + r);
        block_write(w->disk, s, buf);
        memset(buf, 0, sizeof buf);
        block_read(w->disk, s, buf);
        if (!matches(buf, s, w->salt + r))
          w->ok = false;
      } else {
        block_read(w->disk, 0, buf);
        if (memcmp(buf, boot_sector0, sizeof buf) != 0)
          w->ok = false;
      }
    }
  }
  sema_up(&done);
}

void test_block_rw(void)
{
  static struct worker workers[3];
  struct block *swap = block_get_role(BLOCK_SWAP);
  struct block *boot = block_get_role(BLOCK_BOOT);
  uint8_t buf[BLOCK_SECTOR_SIZE];

  msg("begin");
  CHECK(swap != NULL && boot != NULL, "swap or boot disk missing");
  CHECK(!strcmp(block_name(swap), "hd1:1") && !strcmp(block_name(boot), "hd0:0"),
        "unexpected disk names");

  for (unsigned i = 0; i < SECTORS; i++) {
    block_sector_t s = test_sector(swap, i);
    fill(buf, s, 1);
    block_write(swap, s, buf);
  }
  for (unsigned i = SECTORS; i-- > 0;) {
    block_sector_t s = test_sector(swap, i);
    memset(buf, 0, sizeof buf);
    block_read(swap, s, buf);
    CHECK(matches(buf, s, 1), "sector %u read back wrong", s);
  }
  block_read(swap, block_size(swap) - 1, buf);
  msg("%d sectors written and read back", SECTORS);

  block_read(boot, 0, boot_sector0);
  CHECK(boot_sector0[510] == 0x55 && boot_sector0[511] == 0xAA, "boot signature missing");
  sema_init(&done, 0);
  workers[0] = (struct worker){swap, 0, 10, true, false};
  workers[1] = (struct worker){swap, 1, 20, true, false};
  workers[2] = (struct worker){boot, 0, 0, false, false};
  for (unsigned t = 0; t < 3; t++) {
    char name[16] = "blk-0";
    name[4] = (char)('0' + t);
    CHECK(thread_create(name, PRI_DEFAULT, worker_run, &workers[t]) != TID_ERROR,
          "thread_create failed");
  }
  for (unsigned t = 0; t < 3; t++)
    sema_down(&done);
  for (unsigned t = 0; t < 3; t++)
    CHECK(workers[t].ok, "worker %u saw wrong data", t);
  for (unsigned i = 0; i < SECTORS; i++) {
    block_sector_t s = test_sector(swap, i);
    block_read(swap, s, buf);
    CHECK(matches(buf, s, (i % 2 ? 20 : 10) + ROUNDS - 1), "sector %u wrong at the end", s);
  }
  msg("3 threads on two channels: all sectors correct");
  msg("end");
}
