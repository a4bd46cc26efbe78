#include "filesys/cache.h"
#include "lib/debug.h"
#include "lib/string.h"
#include "threads/palloc.h"
#include "threads/synch.h"
#include "threads/vaddr.h"

#define CACHE_PAGES   16
#define CACHE_SLOTS   (CACHE_PAGES * PGSIZE / BLOCK_SECTOR_SIZE)
#define CACHE_BUCKETS 64 /* power of two */
#define CACHE_NONE    (-1)

struct cache_slot {
  block_sector_t sector;
  bool valid;
  bool dirty;
  bool accessed; /* second-chance bit for the clock hand */
  int16_t next;  /* next valid slot in the same hash bucket, or CACHE_NONE */
  uint8_t *data; /* BLOCK_SECTOR_SIZE bytes inside the cache pages */
};

static struct block *cache_dev;
static struct lock cache_lock;
static struct cache_slot cache_slots[CACHE_SLOTS];
static int16_t cache_buckets[CACHE_BUCKETS]; /* first valid slot per bucket */
static size_t cache_hand;

static int16_t *cache_bucket_of(block_sector_t sector)
{
  return &cache_buckets[sector & (CACHE_BUCKETS - 1)];
}

/* Makes slot INDEX (valid, sector set) findable by its sector. */
static void cache_hash_insert(int16_t index)
{
  int16_t *head = cache_bucket_of(cache_slots[index].sector);
  cache_slots[index].next = *head;
  *head = index;
}

/* Unlinks slot INDEX, which is in the hash, from its bucket. */
static void cache_hash_remove(int16_t index)
{
  int16_t *link = cache_bucket_of(cache_slots[index].sector);
  while (*link != index)
    link = &cache_slots[*link].next;
  *link = cache_slots[index].next;
}

bool cache_init(struct block *dev)
{
  uint8_t *pages = palloc_get_multiple(0, CACHE_PAGES);
  if (pages == NULL)
    return false;
  lock_init(&cache_lock);
  cache_dev = dev;
  cache_hand = 0;
  for (size_t i = 0; i < CACHE_BUCKETS; i++)
    cache_buckets[i] = CACHE_NONE;
  for (size_t i = 0; i < CACHE_SLOTS; i++) {
    cache_slots[i].valid = false;
    cache_slots[i].dirty = false;
    cache_slots[i].accessed = false;
    cache_slots[i].data = pages + i * BLOCK_SECTOR_SIZE;
  }
  return true;
}

/* Writes SLOT back if dirty. Caller holds cache_lock. */
static void cache_clean_slot(struct cache_slot *slot)
{
  if (slot->valid && slot->dirty) {
    block_write(cache_dev, slot->sector, slot->data);
    slot->dirty = false;
  }
}

/* Returns the slot holding SECTOR, loading it from disk unless LOAD is false (the caller
   then overwrites all of it). Evicts with a clock over the accessed bits, writing the
   victim back first. Caller holds cache_lock. */
static struct cache_slot *cache_get_slot(block_sector_t sector, bool load)
{
  struct cache_slot *slot;
  int16_t index;
  for (index = *cache_bucket_of(sector); index != CACHE_NONE; index = cache_slots[index].next) {
    slot = &cache_slots[index];
    if (slot->sector == sector) {
      slot->accessed = true;
      return slot;
    }
  }
  for (;;) {
    index = (int16_t)cache_hand;
    slot = &cache_slots[index];
    cache_hand = (cache_hand + 1) % CACHE_SLOTS;
    if (!slot->valid || !slot->accessed)
      break;
    slot->accessed = false;
  }
  if (slot->valid) {
    cache_clean_slot(slot);
    cache_hash_remove(index);
  }
  slot->valid = true;
  slot->dirty = false;
  slot->accessed = true;
  slot->sector = sector;
  cache_hash_insert(index);
  if (load)
    block_read(cache_dev, sector, slot->data);
  return slot;
}

void cache_read_bytes(block_sector_t sector, void *buf, size_t ofs, size_t len)
{
  ASSERT(ofs + len <= BLOCK_SECTOR_SIZE);
  lock_acquire(&cache_lock);
  struct cache_slot *slot = cache_get_slot(sector, true);
  memcpy(buf, slot->data + ofs, len);
  lock_release(&cache_lock);
}

void cache_write_bytes(block_sector_t sector, const void *buf, size_t ofs, size_t len)
{
  ASSERT(ofs + len <= BLOCK_SECTOR_SIZE);
  lock_acquire(&cache_lock);
  struct cache_slot *slot = cache_get_slot(sector, ofs != 0 || len != BLOCK_SECTOR_SIZE);
  if (buf != NULL)
    memcpy(slot->data + ofs, buf, len);
  else
    memset(slot->data + ofs, 0, len);
  slot->dirty = true;
  lock_release(&cache_lock);
}

void cache_discard_range(block_sector_t start, size_t cnt)
{
  lock_acquire(&cache_lock);
  for (size_t i = 0; i < CACHE_SLOTS; i++) {
    struct cache_slot *slot = &cache_slots[i];
    if (slot->valid && slot->sector >= start && slot->sector - start < cnt) {
      cache_hash_remove((int16_t)i);
      slot->valid = false;
      slot->dirty = false;
    }
  }
  lock_release(&cache_lock);
}

void cache_flush_all(void)
{
  lock_acquire(&cache_lock);
  for (size_t i = 0; i < CACHE_SLOTS; i++)
    cache_clean_slot(&cache_slots[i]);
  lock_release(&cache_lock);
}
