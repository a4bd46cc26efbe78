#include "devices/block.h"
#include <stdbool.h>
#include "lib/debug.h"
#include "lib/stdio.h"
#include "lib/string.h"
#include "threads/failinject.h"

/* At most one device per role; devices are kept in registration order for the
   statistics lines. Static storage: drivers register before or after malloc_init. */
struct block {
  char name[8]; /* "hd0:1" */
  enum block_role role;
  block_sector_t size; /* sectors */
  const struct block_operations *ops;
  void *aux;
  uint64_t read_cnt, write_cnt;
};

static struct block devices[BLOCK_ROLE_CNT];
static size_t device_cnt;
static struct block *by_role[BLOCK_ROLE_CNT];

struct block *block_get_role(enum block_role role)
{
  return role < BLOCK_ROLE_CNT ? by_role[role] : NULL;
}

block_sector_t block_size(struct block *b) { return b->size; }

const char *block_name(struct block *b) { return b->name; }

/* Reads SECTOR of B into BUF (512 bytes): block_read_sectors of one sector. */
void block_read(struct block *b, block_sector_t sector, void *buf)
{
  block_read_sectors(b, sector, 1, buf);
}

/* Writes BUF (512 bytes) to SECTOR of B: block_write_sectors of one sector. */
void block_write(struct block *b, block_sector_t sector, const void *buf)
{
  block_write_sectors(b, sector, 1, buf);
}

/* True if a read (WRITE false) or write of B's sectors may be made to fail now: fault
   injection (threads/failinject.h) spares the boot disk. */
static bool block_may_fail(const struct block *b, bool write)
{
  return b->role != BLOCK_BOOT &&
         failinject_site_armed(write ? FAILINJECT_DWRITE : FAILINJECT_DREAD);
}

/* Reads COUNT sectors from SECTOR of B into BUF with one driver call, which serialises
   callers. Under fault injection each sector of a disk other than the boot disk may fail
   on its own, asked in sector order as one-sector reads did: the block layer has no error
   path, so a failed sector reads as zeros, as a drive returning garbage would; callers
   must survive any sector contents. */
void block_read_sectors(struct block *b, block_sector_t sector, unsigned count, void *buf)
{
  ASSERT(count >= 1 && count <= BLOCK_MAX_SECTORS && sector < b->size && count <= b->size - sector);
  if (!block_may_fail(b, false)) {
    b->ops->read(b->aux, sector, count, buf);
    __atomic_fetch_add(&b->read_cnt, count, __ATOMIC_RELAXED);
    return;
  }
  bool failed[BLOCK_MAX_SECTORS];
  unsigned i, good = 0;
  for (i = 0; i < count; i++) {
    failed[i] = failinject_should_fail(FAILINJECT_DREAD);
    good += !failed[i];
  }
  if (good > 0)
    b->ops->read(b->aux, sector, count, buf);
  for (i = 0; i < count; i++)
    if (failed[i])
      memset((uint8_t *)buf + i * BLOCK_SECTOR_SIZE, 0, BLOCK_SECTOR_SIZE);
  __atomic_fetch_add(&b->read_cnt, good, __ATOMIC_RELAXED);
}

/* Writes COUNT sectors of BUF to SECTOR of B, each maximal run of sectors in one driver
   call. Under fault injection the write of each sector of a disk other than the boot disk
   may be lost on its own (that sector keeps its old contents), asked in sector order. */
void block_write_sectors(struct block *b, block_sector_t sector, unsigned count, const void *buf)
{
  ASSERT(count >= 1 && count <= BLOCK_MAX_SECTORS && sector < b->size && count <= b->size - sector);
  if (!block_may_fail(b, true)) {
    b->ops->write(b->aux, sector, count, buf);
    __atomic_fetch_add(&b->write_cnt, count, __ATOMIC_RELAXED);
    return;
  }
  bool failed[BLOCK_MAX_SECTORS];
  unsigned i, run;
  for (i = 0; i < count; i++)
    failed[i] = failinject_should_fail(FAILINJECT_DWRITE);
  for (i = 0; i < count; i += run) {
    for (run = 1; i + run < count && failed[i + run] == failed[i]; run++)
      continue;
    if (failed[i])
      continue;
    b->ops->write(b->aux, sector + i, run, (const uint8_t *)buf + i * BLOCK_SECTOR_SIZE);
    __atomic_fetch_add(&b->write_cnt, run, __ATOMIC_RELAXED);
  }
}

/* Records a device of SIZE sectors named NAME serving ROLE; OPS and AUX stay owned by the
   driver. A role can be registered once. */
struct block *block_register(const char *name, enum block_role role, block_sector_t size,
                             const struct block_operations *ops, void *aux)
{
  struct block *b;

  ASSERT(role < BLOCK_ROLE_CNT && by_role[role] == NULL && device_cnt < BLOCK_ROLE_CNT);
  b = &devices[device_cnt++];
  strlcpy(b->name, name, sizeof b->name);
  b->role = role;
  b->size = size;
  b->ops = ops;
  b->aux = aux;
  b->read_cnt = b->write_cnt = 0;
  by_role[role] = b;
  return b;
}

/* One line "hd0:0: N reads, N writes" per device (sectors read and written), in
   registration order. */
void block_print_stats(void)
{
  size_t i;
  for (i = 0; i < device_cnt; i++)
    printf("%s: %llu reads, %llu writes\n", devices[i].name,
           (unsigned long long)devices[i].read_cnt, (unsigned long long)devices[i].write_cnt);
}

/* Appends " hd0_0_r=N hd0_0_w=N" per device to the string in BUF (SIZE bytes in all),
   truncating if needed. */
void block_format_stats(char *buf, size_t size)
{
  size_t i;

  if (size == 0)
    return;
  for (i = 0; i < device_cnt; i++) {
    char key[8];
    size_t len = strnlen(buf, size);
    char *c;
    if (len + 1 >= size)
      return;
    strlcpy(key, devices[i].name, sizeof key);
    for (c = key; *c != '\0'; c++)
      if (*c == ':')
        *c = '_';
    snprintf(buf + len, size - len, " %s_r=%llu %s_w=%llu", key,
             (unsigned long long)devices[i].read_cnt, key,
             (unsigned long long)devices[i].write_cnt);
  }
}
