#include "filesys/inode.h"
#include "filesys/cache.h"
#include "filesys/freemap.h"
#include "filesys/layout.h"
#include "lib/debug.h"
#include "lib/kernel/list.h"
#include "lib/string.h"
#include "threads/malloc.h"

struct inode {
  struct list_elem elem; /* open_inodes; filesys_ns_lock */
  block_sector_t sector; /* where the on-disk inode lives */
  int open_cnt;          /* filesys_ns_lock */
  bool removed;          /* filesys_ns_lock */
  int deny_write_cnt;    /* lock */
  uint32_t alloc_cnt;    /* data sectors held by the extents; lock */
  struct lock lock;      /* held by writers, who alone change DISK */
  struct kfs_inode disk; /* length and extent_cnt also read locklessly, see inode_read_at */
};

/* Growth policy: a file that must grow gets at least INODE_GROW_MIN more sectors and at
   least as many as it already has (so a file grown in small writes while others grow
   too still needs few extents), but never more than INODE_GROW_MAX beyond what the
   write needs. Sectors past the end of file are given back at the last close and at
   power-off, so on disk every file holds exactly the sectors its length needs. */
#define INODE_GROW_MIN 8
#define INODE_GROW_MAX 1024

static struct list open_inodes = {{&open_inodes.head, &open_inodes.head}};

/* Set by inode_power_off: from then on writes return 0 and closes leave the disk alone,
   so nothing changes after the final flush. */
static bool inode_frozen;

void inode_init(void)
{
  list_init(&open_inodes);
  inode_frozen = false;
}

static uint32_t inode_sectors_for(uint64_t bytes)
{
  return (uint32_t)((bytes + KFS_SECTOR_SIZE - 1) / KFS_SECTOR_SIZE);
}

/* Frees every sector of the on-disk inode DISK stored at SECTOR, and the inode sector. */
static void inode_free_sectors(block_sector_t sector, const struct kfs_inode *disk)
{
  for (uint32_t i = 0; i < disk->extent_cnt; i++) {
    freemap_release(disk->extents[i].start, disk->extents[i].count);
    cache_discard_range(disk->extents[i].start, disk->extents[i].count);
  }
  freemap_release(sector, 1);
  cache_discard_range(sector, 1);
}

bool inode_create(uint32_t length, block_sector_t *sector)
{
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
   adding up to at least the sectors the length needs. */
static bool inode_disk_valid(const struct kfs_inode *disk)
{
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
  return sectors >= inode_sectors_for(disk->length);
}

struct inode *inode_open(block_sector_t sector)
{
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
  inode->alloc_cnt = 0;
  for (uint32_t i = 0; i < inode->disk.extent_cnt; i++)
    inode->alloc_cnt += inode->disk.extents[i].count;
  lock_init(&inode->lock);
  list_push_front(&open_inodes, &inode->elem);
  return inode;
}

struct inode *inode_reopen(struct inode *inode)
{
  inode->open_cnt++;
  return inode;
}

/* Gives back the sectors INODE holds past the end of file and records the change in its
   on-disk inode. Caller holds INODE's lock, or INODE is unreachable by others. */
static void inode_trim(struct inode *inode)
{
  struct kfs_inode *disk = &inode->disk;
  uint32_t excess = inode->alloc_cnt - inode_sectors_for(disk->length);
  if (excess == 0)
    return;
  inode->alloc_cnt -= excess;
  while (excess > 0) {
    struct kfs_extent *last = &disk->extents[disk->extent_cnt - 1];
    uint32_t take = excess < last->count ? excess : last->count;
    block_sector_t first = last->start + last->count - take;
    __atomic_store_n(&last->count, last->count - take, __ATOMIC_RELAXED);
    if (last->count == 0)
      __atomic_store_n(&disk->extent_cnt, disk->extent_cnt - 1, __ATOMIC_RELAXED);
    freemap_release(first, take);
    cache_discard_range(first, take);
    excess -= take;
  }
  cache_write_bytes(inode->sector, disk, 0, KFS_SECTOR_SIZE);
}

void inode_close(struct inode *inode)
{
  if (inode == NULL)
    return;
  ASSERT(inode->open_cnt > 0);
  if (--inode->open_cnt > 0)
    return;
  list_remove(&inode->elem);
  if (inode->removed && !inode_frozen)
    inode_free_sectors(inode->sector, &inode->disk);
  else if (!inode_frozen)
    inode_trim(inode);
  free(inode);
}

void inode_remove(struct inode *inode) { inode->removed = true; }

void inode_delete(block_sector_t sector)
{
  static struct kfs_inode disk; /* filesys_ns_lock */
  cache_read_bytes(sector, &disk, 0, KFS_SECTOR_SIZE);
  if (inode_disk_valid(&disk))
    inode_free_sectors(sector, &disk);
}

void inode_power_off(void)
{
  struct list_elem *e;
  inode_frozen = true;
  for (e = list_begin(&open_inodes); e != list_end(&open_inodes); e = list_next(e)) {
    struct inode *inode = list_entry(e, struct inode, elem);
    lock_acquire(&inode->lock);
    if (inode->removed)
      inode_free_sectors(inode->sector, &inode->disk);
    else
      inode_trim(inode);
    lock_release(&inode->lock);
  }
}

/* Disk sector holding byte OFS of the file DISK describes; OFS is below a length read
   with acquire ordering, so the extents covering it are already published. */
static block_sector_t inode_map_offset(const struct kfs_inode *disk, off_t ofs)
{
  uint32_t index = (uint32_t)ofs / KFS_SECTOR_SIZE;
  uint32_t cnt = __atomic_load_n(&disk->extent_cnt, __ATOMIC_ACQUIRE);
  for (uint32_t i = 0; i < cnt; i++) {
    uint32_t count = __atomic_load_n(&disk->extents[i].count, __ATOMIC_RELAXED);
    if (index < count)
      return disk->extents[i].start + index;
    index -= count;
  }
  NOT_REACHED();
}

/* Appends CNT sectors to INODE's extents, in place after the last extent when those
   sectors are free, else in new extents. The length is not changed. False (nothing
   changed) if the disk is full or the extents would not fit in the inode. Caller holds
   INODE's lock. */
static bool inode_allocate(struct inode *inode, uint32_t cnt)
{
  struct kfs_inode *disk = &inode->disk;
  struct kfs_extent runs[KFS_EXTENT_MAX];
  uint32_t n = disk->extent_cnt, run_cnt = 0;
  block_sector_t next =
      n > 0 ? disk->extents[n - 1].start + disk->extents[n - 1].count : inode->sector + 1;
  uint32_t in_place = (uint32_t)freemap_allocate_at(next, cnt);
  if (in_place < cnt) {
    uint32_t slots = KFS_EXTENT_MAX - n - (n == 0 && in_place > 0 ? 1 : 0);
    if (slots == 0 || !freemap_allocate(cnt - in_place, runs, slots, &run_cnt)) {
      if (in_place > 0)
        freemap_release(next, in_place);
      return false;
    }
  }
  if (in_place > 0) {
    if (n == 0) {
      disk->extents[0].start = next;
      disk->extents[0].count = in_place;
      __atomic_store_n(&disk->extent_cnt, 1, __ATOMIC_RELEASE);
      n = 1;
    } else {
      __atomic_store_n(&disk->extents[n - 1].count, disk->extents[n - 1].count + in_place,
                       __ATOMIC_RELEASE);
    }
  }
  for (uint32_t i = 0; i < run_cnt; i++)
    disk->extents[n + i] = runs[i];
  __atomic_store_n(&disk->extent_cnt, n + run_cnt, __ATOMIC_RELEASE);
  inode->alloc_cnt += cnt;
  return true;
}

/* Makes room for bytes up to END (> the length OLD_LENGTH) before a write of [OFS, END):
   allocates sectors by the growth policy (falling back to just what END needs), and
   zeroes the new sectors in the range that the write will not cover whole, so the gap
   between OLD_LENGTH and OFS reads as zeros and the tail past END stays zero (bytes past
   the end of file within the last sector are always zero). False if no room. Caller
   holds INODE's lock. */
static bool inode_grow(struct inode *inode, off_t old_length, off_t ofs, off_t end)
{
  uint32_t needed = inode_sectors_for((uint64_t)end);
  if (needed > inode->alloc_cnt) {
    uint32_t have = inode->alloc_cnt;
    uint32_t step = have < INODE_GROW_MIN ? INODE_GROW_MIN : have;
    if (step > INODE_GROW_MAX)
      step = INODE_GROW_MAX;
    uint32_t target = have + step > needed ? have + step : needed;
    if (!inode_allocate(inode, target - have) && !inode_allocate(inode, needed - have))
      return false;
  }
  for (uint32_t i = inode_sectors_for((uint64_t)old_length); i < needed; i++) {
    uint64_t first = (uint64_t)i * KFS_SECTOR_SIZE;
    if (first < (uint64_t)ofs || first + KFS_SECTOR_SIZE > (uint64_t)end)
      cache_write_bytes(inode_map_offset(&inode->disk, (off_t)first), NULL, 0, KFS_SECTOR_SIZE);
  }
  return true;
}

/* After inode_grow(INODE, OLD_LENGTH, OFS, END) failed: grows INODE as far as the free
   sectors allow, if that reaches past OFS, and returns the end the write may then use
   (OLD_LENGTH when nothing could be added, so a write at or past the end of file writes
   nothing and the length stays backed by sectors). Caller holds INODE's lock. */
static off_t inode_grow_partial(struct inode *inode, off_t old_length, off_t ofs, off_t end)
{
  uint64_t cap = ((uint64_t)inode->alloc_cnt + freemap_free_count()) * KFS_SECTOR_SIZE;
  if (cap > (uint64_t)end)
    cap = (uint64_t)end;
  if (cap > (uint64_t)ofs && cap > (uint64_t)old_length &&
      inode_grow(inode, old_length, ofs, (off_t)cap))
    return (off_t)cap;
  return old_length;
}

/* Needs: [OFS, OFS + SIZE) within INODE's allocated sectors (nothing to do if SIZE <= 0).
   Copies those bytes sector by sector through the buffer cache: from BUF into the file
   when WRITE, else from the file into BUF. Returns the bytes copied (SIZE, or 0). */
static off_t inode_copy(struct inode *inode, uint8_t *buf, off_t ofs, off_t size, bool write)
{
  off_t done = 0;
  while (done < size) {
    off_t pos = ofs + done;
    size_t sector_ofs = (size_t)pos % KFS_SECTOR_SIZE;
    size_t chunk = KFS_SECTOR_SIZE - sector_ofs;
    if (chunk > (size_t)(size - done))
      chunk = (size_t)(size - done);
    if (write)
      cache_write_bytes(inode_map_offset(&inode->disk, pos), buf + done, sector_ofs, chunk);
    else
      cache_read_bytes(inode_map_offset(&inode->disk, pos), buf + done, sector_ofs, chunk);
    done += (off_t)chunk;
  }
  return done;
}

off_t inode_read_at(struct inode *inode, void *buf_, off_t size, off_t ofs)
{
  uint8_t *buf = buf_;
  off_t length = (off_t)__atomic_load_n(&inode->disk.length, __ATOMIC_ACQUIRE);
  if (ofs < 0 || size <= 0 || ofs >= length)
    return 0;
  if (size > length - ofs)
    size = length - ofs;
  return inode_copy(inode, buf, ofs, size, false);
}

off_t inode_write_at(struct inode *inode, const void *buf_, off_t size, off_t ofs)
{
  if (ofs < 0 || size <= 0)
    return 0;
  if (size > INT32_MAX - ofs)
    size = INT32_MAX - ofs;
  lock_acquire(&inode->lock);
  off_t length = (off_t)inode->disk.length;
  off_t end = ofs + size;
  if (inode->deny_write_cnt > 0 || size == 0 || inode_frozen) {
    lock_release(&inode->lock);
    return 0;
  }
  if (end > length && !inode_grow(inode, length, ofs, end))
    end = inode_grow_partial(inode, length, ofs, end);
  off_t done = inode_copy(inode, (uint8_t *)buf_, ofs, end - ofs, true);
  if (end > length) {
    __atomic_store_n(&inode->disk.length, (uint32_t)end, __ATOMIC_RELEASE);
    cache_write_bytes(inode->sector, &inode->disk, 0, KFS_SECTOR_SIZE);
  }
  lock_release(&inode->lock);
  return done;
}

void inode_deny_write(struct inode *inode)
{
  lock_acquire(&inode->lock);
  inode->deny_write_cnt++;
  lock_release(&inode->lock);
}

void inode_allow_write(struct inode *inode)
{
  lock_acquire(&inode->lock);
  ASSERT(inode->deny_write_cnt > 0);
  inode->deny_write_cnt--;
  lock_release(&inode->lock);
}

off_t inode_length(const struct inode *inode)
{
  return (off_t)__atomic_load_n(&inode->disk.length, __ATOMIC_ACQUIRE);
}

block_sector_t inode_get_sector(const struct inode *inode) { return inode->sector; }
