#include "filesys/freemap.h"
#include "lib/debug.h"
#include "lib/string.h"
#include "threads/palloc.h"
#include "threads/synch.h"
#include "threads/vaddr.h"

static struct lock freemap_lock; /* everything below */
static struct block *freemap_dev;
static uint8_t *freemap_bits; /* freemap_sectors * 512 bytes */
static bool *freemap_dirty;   /* one flag per free-map sector */
static uint32_t freemap_bit_cnt;
static uint32_t freemap_first; /* first sector of the map on disk */
static uint32_t freemap_sectors;
static size_t freemap_free;

static bool freemap_test(uint32_t sector) { return (freemap_bits[sector / 8] >> (sector % 8)) & 1; }

/* Sets the bits of sectors START .. START + CNT - 1 to USED and marks their map sectors
   dirty; adjusts the free count. The bits must all differ from USED. */
static void freemap_set_range(uint32_t start, size_t cnt, bool used)
{
  for (size_t i = 0; i < cnt; i++) {
    uint32_t s = start + i;
    ASSERT(s < freemap_bit_cnt && freemap_test(s) != used);
    if (used)
      freemap_bits[s / 8] |= (uint8_t)(1u << (s % 8));
    else
      freemap_bits[s / 8] &= (uint8_t) ~(1u << (s % 8));
    freemap_dirty[s / KFS_BITS_PER_SECTOR] = true;
  }
  if (used)
    freemap_free -= cnt;
  else
    freemap_free += cnt;
}

bool freemap_init(struct block *dev, const struct kfs_super *super)
{
  size_t bytes = (size_t)super->freemap_sectors * KFS_SECTOR_SIZE + super->freemap_sectors;
  size_t pages = (bytes + PGSIZE - 1) / PGSIZE;
  if (super->freemap_sectors == 0 ||
      super->freemap_sectors != (super->sector_cnt + KFS_BITS_PER_SECTOR - 1) / KFS_BITS_PER_SECTOR)
    return false;
  uint8_t *mem = palloc_get_multiple(0, pages);
  if (mem == NULL)
    return false;
  lock_init(&freemap_lock);
  freemap_dev = dev;
  freemap_bits = mem;
  freemap_dirty = (bool *)(mem + (size_t)super->freemap_sectors * KFS_SECTOR_SIZE);
  freemap_bit_cnt = super->sector_cnt;
  freemap_first = super->freemap_start;
  freemap_sectors = super->freemap_sectors;
  for (uint32_t i = 0; i < freemap_sectors; i++) {
    block_read(dev, freemap_first + i, freemap_bits + (size_t)i * KFS_SECTOR_SIZE);
    freemap_dirty[i] = false;
  }
  freemap_free = 0;
  for (uint32_t s = 0; s < freemap_bit_cnt; s++)
    if (!freemap_test(s))
      freemap_free++;
  return true;
}

/* Finds the first free run of at least WANT sectors, or if none, the longest free run
   (the first of equal ones). Returns its start in *START and length in *LEN (0 when no
   sector is free). */
static void freemap_find_run(size_t want, uint32_t *start, size_t *len)
{
  uint32_t best_start = 0;
  size_t best_len = 0;
  uint32_t s = 0;
  while (s < freemap_bit_cnt) {
    if (s % 8 == 0 && freemap_bits[s / 8] == 0xff) {
      s += 8;
      continue;
    }
    if (freemap_test(s)) {
      s++;
      continue;
    }
    uint32_t run_start = s;
    while (s < freemap_bit_cnt && !freemap_test(s)) {
      if (s % 8 == 0 && freemap_bits[s / 8] == 0 && s + 8 <= freemap_bit_cnt)
        s += 8;
      else
        s++;
    }
    size_t run_len = s - run_start;
    if (run_len >= want) {
      *start = run_start;
      *len = run_len;
      return;
    }
    if (run_len > best_len) {
      best_start = run_start;
      best_len = run_len;
    }
  }
  *start = best_start;
  *len = best_len;
}

bool freemap_allocate(size_t cnt, struct kfs_extent *extents, uint32_t max_extents,
                      uint32_t *extent_cnt)
{
  uint32_t n = 0;
  size_t left = cnt;
  lock_acquire(&freemap_lock);
  if (cnt > freemap_free)
    goto fail;
  while (left > 0) {
    uint32_t start;
    size_t len;
    if (n == max_extents)
      goto fail;
    freemap_find_run(left, &start, &len);
    if (len == 0)
      goto fail;
    if (len > left)
      len = left;
    freemap_set_range(start, len, true);
    extents[n].start = start;
    extents[n].count = (uint32_t)len;
    n++;
    left -= len;
  }
  *extent_cnt = n;
  lock_release(&freemap_lock);
  return true;

fail:
  while (n > 0) {
    n--;
    freemap_set_range(extents[n].start, extents[n].count, false);
  }
  lock_release(&freemap_lock);
  return false;
}

size_t freemap_allocate_at(block_sector_t start, size_t max_cnt)
{
  size_t n = 0;
  lock_acquire(&freemap_lock);
  while (n < max_cnt && start + n < freemap_bit_cnt && !freemap_test(start + (uint32_t)n))
    n++;
  if (n > 0)
    freemap_set_range(start, n, true);
  lock_release(&freemap_lock);
  return n;
}

void freemap_release(block_sector_t start, size_t cnt)
{
  lock_acquire(&freemap_lock);
  freemap_set_range(start, cnt, false);
  lock_release(&freemap_lock);
}

size_t freemap_free_count(void) { return freemap_free; }

uint32_t freemap_sector_count(void) { return freemap_bit_cnt; }

void freemap_flush(void)
{
  lock_acquire(&freemap_lock);
  for (uint32_t i = 0; i < freemap_sectors; i++)
    if (freemap_dirty[i]) {
      block_write(freemap_dev, freemap_first + i, freemap_bits + (size_t)i * KFS_SECTOR_SIZE);
      freemap_dirty[i] = false;
    }
  lock_release(&freemap_lock);
}
