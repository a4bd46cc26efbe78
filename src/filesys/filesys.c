#include "filesys/filesys.h"
#include "devices/block.h"
#include "filesys/cache.h"
#include "filesys/directory.h"
#include "filesys/freemap.h"
#include "filesys/inode.h"
#include "filesys/layout.h"
#include "lib/stdio.h"
#include "lib/string.h"

struct lock filesys_ns_lock;
static bool filesys_mounted;

/* True if SUPER describes a KFS file system that fits on a disk of DISK_SECTORS. */
static bool filesys_super_valid(const struct kfs_super *super, block_sector_t disk_sectors)
{
  if (memcmp(super->magic, KFS_MAGIC, sizeof super->magic) != 0 || super->version != KFS_VERSION)
    return false;
  if (super->sector_cnt == 0 || super->sector_cnt > disk_sectors)
    return false;
  if (super->freemap_start != 1 ||
      super->freemap_sectors != (super->sector_cnt + KFS_BITS_PER_SECTOR - 1) / KFS_BITS_PER_SECTOR)
    return false;
  if (super->dir_start != super->freemap_start + super->freemap_sectors || super->dir_sectors == 0)
    return false;
  return (uint64_t)super->dir_start + super->dir_sectors <= super->sector_cnt;
}

void filesys_init(void)
{
  static struct kfs_super super;
  struct block *dev = block_get_role(BLOCK_FILESYS);
  lock_init(&filesys_ns_lock);
  filesys_mounted = false;
  if (dev == NULL) {
    printf("filesys: no file system disk\n");
    return;
  }
  block_read(dev, 0, &super);
  if (!filesys_super_valid(&super, block_size(dev))) {
    printf("filesys: %s holds no Kestrel file system\n", block_name(dev));
    return;
  }
  if (!cache_init(dev) || !freemap_init(dev, &super)) {
    printf("filesys: out of memory mounting %s\n", block_name(dev));
    return;
  }
  dir_setup(super.dir_start, super.dir_sectors);
  inode_init();
  filesys_mounted = true;
  printf("filesys: %s mounted, %u sectors, %zu free\n", block_name(dev), (unsigned)super.sector_cnt,
         freemap_free_count());
}

void filesys_done(void)
{
  if (!filesys_mounted)
    return;
  lock_acquire(&filesys_ns_lock);
  filesys_mounted = false;
  inode_power_off();
  cache_flush_all();
  freemap_flush();
  lock_release(&filesys_ns_lock);
}

/* True if NAME is 1..FILESYS_NAME_MAX bytes long. */
static bool filesys_name_ok(const char *name)
{
  if (name == NULL)
    return false;
  size_t len = strnlen(name, FILESYS_NAME_MAX + 1);
  return len >= 1 && len <= FILESYS_NAME_MAX;
}

bool filesys_create(const char *name, uint32_t initial_size)
{
  block_sector_t sector;
  uint32_t slot;
  bool ok = false;
  if (!filesys_name_ok(name) || initial_size > INT32_MAX)
    return false;
  lock_acquire(&filesys_ns_lock);
  if (filesys_mounted && !dir_lookup(name, &sector, &slot) && inode_create(initial_size, &sector)) {
    ok = dir_add(name, sector);
    if (!ok)
      inode_delete(sector);
  }
  lock_release(&filesys_ns_lock);
  return ok;
}

struct file *filesys_open(const char *name)
{
  block_sector_t sector;
  uint32_t slot;
  struct inode *inode = NULL;
  struct file *file = NULL;
  if (!filesys_name_ok(name))
    return NULL;
  lock_acquire(&filesys_ns_lock);
  if (filesys_mounted && dir_lookup(name, &sector, &slot))
    inode = inode_open(sector);
  if (inode != NULL) {
    file = file_open_inode(inode);
    if (file == NULL)
      inode_close(inode);
  }
  lock_release(&filesys_ns_lock);
  return file;
}

bool filesys_remove(const char *name)
{
  block_sector_t sector;
  uint32_t slot;
  bool ok = false;
  if (!filesys_name_ok(name))
    return false;
  lock_acquire(&filesys_ns_lock);
  if (filesys_mounted && dir_lookup(name, &sector, &slot)) {
    struct inode *inode = inode_open(sector);
    dir_clear_slot(slot);
    if (inode != NULL) {
      inode_remove(inode);
      inode_close(inode);
    } else {
      inode_delete(sector);
    }
    ok = true;
  }
  lock_release(&filesys_ns_lock);
  return ok;
}

uint32_t filesys_list(uint32_t cursor, char *name)
{
  uint32_t slot = 0;
  bool found = false;
  lock_acquire(&filesys_ns_lock);
  if (filesys_mounted && cursor < UINT32_MAX)
    found = dir_next(cursor, name, &slot);
  lock_release(&filesys_ns_lock);
  return found ? slot + 1 : 0;
}
