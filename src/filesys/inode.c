#include "filesys/inode.h"
#include "filesys/cache.h"
#include "filesys/freemap.h"
#include "filesys/layout.h"
#include "lib/debug.h"
#include "lib/kernel/list.h"
#include "lib/string.h"
#include "threads/malloc.h"

struct inode {
  struct list_elem elem;  /* open_inodes; filesys_ns_lock */
  block_sector_t sector;  /* where the on-disk inode lives */
  int open_cnt;           /* filesys_ns_lock */
  bool removed;           /* filesys_ns_lock */
  int deny_write_cnt;     /* lock */
  struct lock lock;
  struct kfs_inode disk;  /* immutable after inode_open */
};

static struct list open_inodes = {{&open_inodes.head, &open_inodes.head}};

/* Frees every sector of the on-disk inode DISK stored at SECTOR, and the inode sector. */
static void inode_free_sectors(block_sector_t sector, const struct kfs_inode *disk) {
  for (uint32_t i = 0; i < disk->extent_cnt; i++) {
    freemap_release(disk->extents[i].start, disk->extents[i].count);
    cache_discard_range(disk->extents[i].start, disk->extents[i].count);
  }
  freemap_release(sector, 1);
  cache_discard_range(sector, 1);
}

bool inode_create(uint32_t length, block_sector_t *sector) {
  static struct kfs_inode disk; /* filesys_ns_lock */
  struct kfs_extent runs[KFS_EXTENT_MAX];
  uint32_t run_cnt;
  size_t data_sectors = ((size_t)length + KFS_SECTOR_SIZE - 1) / KFS_SECTOR_SIZE;

  if (length > INT32_MAX)
    return false;
  if (!freemap_allocate(data_sectors + 1, runs, KFS_EXTENT_MAX, &run_cnt))
    return false;

  memset(&disk, 0, sizeof disk);
  memcpy(disk.magic, KFS_INODE_MAGIC, sizeof disk.magic);
  disk.length = length;
  *sector = runs[0].start;
  runs[0].start++;
  runs[0].count--;
  for (uint32_t i = 0; i < run_cnt; i++) {
    if (runs[i].count == 0)
      continue;
    disk.extents[disk.extent_cnt++] = runs[i];
    for (uint32_t j = 0; j < runs[i].count; j++)
      cache_write_bytes(runs[i].start + j, NULL, 0, KFS_SECTOR_SIZE);
  }
  cache_write_bytes(*sector, &disk, 0, KFS_SECTOR_SIZE);
  return true;
}

/* True if DISK is a well-formed inode: extents inside the file system, their counts
   adding up to exactly the sectors the length needs. */
static bool inode_disk_valid(const struct kfs_inode *disk) {
  uint64_t sectors = 0;
  if (memcmp(disk->magic, KFS_INODE_MAGIC, sizeof disk->magic) != 0 ||
      disk->extent_cnt > KFS_EXTENT_MAX || disk->length > INT32_MAX)
    return false;
  for (uint32_t i = 0; i < disk->extent_cnt; i++) {
    const struct kfs_extent *x = &disk->extents[i];
    if (x->count == 0 || x->start == 0 || (uint64_t)x->start + x->count > freemap_sector_count())
      return false;
    sectors += x->count;
  }
  return sectors == ((uint64_t)disk->length + KFS_SECTOR_SIZE - 1) / KFS_SECTOR_SIZE;
}

struct inode *inode_open(block_sector_t sector) {
  struct list_elem *e;
  for (e = list_begin(&open_inodes); e != list_end(&open_inodes); e = list_next(e)) {
    struct inode *inode = list_entry(e, struct inode, elem);
    if (inode->sector == sector) {
      inode->open_cnt++;
      return inode;
    }
  }
  struct inode *inode = malloc(sizeof *inode);
  if (inode == NULL)
    return NULL;
  cache_read_bytes(sector, &inode->disk, 0, KFS_SECTOR_SIZE);
  if (!inode_disk_valid(&inode->disk)) {
    free(inode);
    return NULL;
  }
  inode->sector = sector;
  inode->open_cnt = 1;
  inode->removed = false;
  inode->deny_write_cnt = 0;
  lock_init(&inode->lock);
  list_push_front(&open_inodes, &inode->elem);
  return inode;
}

struct inode *inode_reopen(struct inode *inode) {
  inode->open_cnt++;
  return inode;
}

void inode_close(struct inode *inode) {
  if (inode == NULL)
    return;
  ASSERT(inode->open_cnt > 0);
  if (--inode->open_cnt > 0)
    return;
  list_remove(&inode->elem);
  if (inode->removed)
    inode_free_sectors(inode->sector, &inode->disk);
  free(inode);
}

void inode_remove(struct inode *inode) { inode->removed = true; }

void inode_delete(block_sector_t sector) {
  static struct kfs_inode disk; /* filesys_ns_lock */
  cache_read_bytes(sector, &disk, 0, KFS_SECTOR_SIZE);
  if (inode_disk_valid(&disk))
    inode_free_sectors(sector, &disk);
}

void inode_release_removed(void) {
  struct list_elem *e;
  for (e = list_begin(&open_inodes); e != list_end(&open_inodes); e = list_next(e)) {
    struct inode *inode = list_entry(e, struct inode, elem);
    if (inode->removed) {
      inode_free_sectors(inode->sector, &inode->disk);
      inode->removed = false;
    }
  }
}

/* Disk sector holding byte OFS (< length) of the file DISK describes. */
static block_sector_t inode_map_offset(const struct kfs_inode *disk, off_t ofs) {
  uint32_t index = (uint32_t)ofs / KFS_SECTOR_SIZE;
  for (uint32_t i = 0; i < disk->extent_cnt; i++) {
    if (index < disk->extents[i].count)
      return disk->extents[i].start + index;
    index -= disk->extents[i].count;
  }
  NOT_REACHED();
}

off_t inode_read_at(struct inode *inode, void *buf_, off_t size, off_t ofs) {
  uint8_t *buf = buf_;
  off_t length = (off_t)inode->disk.length;
  off_t done = 0;
  if (ofs < 0 || size <= 0 || ofs >= length)
    return 0;
  if (size > length - ofs)
    size = length - ofs;
  while (done < size) {
    off_t pos = ofs + done;
    size_t sector_ofs = (size_t)pos % KFS_SECTOR_SIZE;
    size_t chunk = KFS_SECTOR_SIZE - sector_ofs;
    if (chunk > (size_t)(size - done))
      chunk = (size_t)(size - done);
    cache_read_bytes(inode_map_offset(&inode->disk, pos), buf + done, sector_ofs, chunk);
    done += (off_t)chunk;
  }
  return done;
}

off_t inode_write_at(struct inode *inode, const void *buf_, off_t size, off_t ofs) {
  const uint8_t *buf = buf_;
  off_t length = (off_t)inode->disk.length;
  off_t done = 0;
  if (ofs < 0 || size <= 0 || ofs >= length)
    return 0;
  if (size > length - ofs)
    size = length - ofs;
  lock_acquire(&inode->lock);
  if (inode->deny_write_cnt == 0) {
    while (done < size) {
      off_t pos = ofs + done;
      size_t sector_ofs = (size_t)pos % KFS_SECTOR_SIZE;
      size_t chunk = KFS_SECTOR_SIZE - sector_ofs;
      if (chunk > (size_t)(size - done))
        chunk = (size_t)(size - done);
      cache_write_bytes(inode_map_offset(&inode->disk, pos), buf + done, sector_ofs, chunk);
      done += (off_t)chunk;
    }
  }
  lock_release(&inode->lock);
  return done;
}

void inode_deny_write(struct inode *inode) {
  lock_acquire(&inode->lock);
  inode->deny_write_cnt++;
  lock_release(&inode->lock);
}

void inode_allow_write(struct inode *inode) {
  lock_acquire(&inode->lock);
  ASSERT(inode->deny_write_cnt > 0);
  inode->deny_write_cnt--;
  lock_release(&inode->lock);
}

off_t inode_length(const struct inode *inode) { return (off_t)inode->disk.length; }

block_sector_t inode_get_sector(const struct inode *inode) { return inode->sector; }
