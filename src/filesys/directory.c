#include "filesys/directory.h"
#include "filesys/cache.h"
#include "filesys/layout.h"
#include "lib/string.h"

static block_sector_t dir_start;
static uint32_t dir_sectors;
static struct kfs_dirent dir_buf[KFS_DIRENTS_PER_SECTOR]; /* filesys_ns_lock */

void dir_setup(block_sector_t start, uint32_t sectors)
{
  dir_start = start;
  dir_sectors = sectors;
}

bool dir_lookup(const char *name, block_sector_t *inode_sector, uint32_t *slot)
{
  for (uint32_t s = 0; s < dir_sectors; s++) {
    cache_read_bytes(dir_start + s, dir_buf, 0, KFS_SECTOR_SIZE);
    for (uint32_t i = 0; i < KFS_DIRENTS_PER_SECTOR; i++)
      if (dir_buf[i].inode_sector != 0 &&
          strncmp(dir_buf[i].name, name, sizeof dir_buf[i].name) == 0) {
        *inode_sector = dir_buf[i].inode_sector;
        *slot = s * KFS_DIRENTS_PER_SECTOR + i;
        return true;
      }
  }
  return false;
}

bool dir_add(const char *name, block_sector_t inode_sector)
{
  for (uint32_t s = 0; s < dir_sectors; s++) {
    cache_read_bytes(dir_start + s, dir_buf, 0, KFS_SECTOR_SIZE);
    for (uint32_t i = 0; i < KFS_DIRENTS_PER_SECTOR; i++)
      if (dir_buf[i].inode_sector == 0) {
        struct kfs_dirent entry;
        memset(&entry, 0, sizeof entry);
        strlcpy(entry.name, name, sizeof entry.name);
        entry.inode_sector = inode_sector;
        cache_write_bytes(dir_start + s, &entry, i * sizeof entry, sizeof entry);
        return true;
      }
  }
  return false;
}

bool dir_next(uint32_t from, char *name, uint32_t *slot)
{
  for (uint32_t s = from / KFS_DIRENTS_PER_SECTOR; s < dir_sectors; s++) {
    cache_read_bytes(dir_start + s, dir_buf, 0, KFS_SECTOR_SIZE);
    for (uint32_t i = 0; i < KFS_DIRENTS_PER_SECTOR; i++) {
      uint32_t n = s * KFS_DIRENTS_PER_SECTOR + i;
      if (n >= from && dir_buf[i].inode_sector != 0) {
        strlcpy(name, dir_buf[i].name, KFS_NAME_MAX + 1);
        *slot = n;
        return true;
      }
    }
  }
  return false;
}

void dir_clear_slot(uint32_t slot)
{
  cache_write_bytes(dir_start + slot / KFS_DIRENTS_PER_SECTOR, NULL,
                    (slot % KFS_DIRENTS_PER_SECTOR) * sizeof(struct kfs_dirent),
                    sizeof(struct kfs_dirent));
}
