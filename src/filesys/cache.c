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

/* Disk transfers are clustered in aligned blocks of CACHE_CLUSTER sectors (a page): a miss
   reads the uncached sectors of its block in one command, a write-back writes the dirty
   run around its sector in one command. */
#define CACHE_CLUSTER BLOCK_MAX_SECTORS

static struct block *cache_dev;
/* Bounce buffers of clustered transfers, under cache_lock: a load's read may evict (write
   back) slots before its data is in place, so reads and writes have one each. */
static uint8_t *cache_read_buf;  /* CACHE_CLUSTER sectors, after the slots' pages */
static uint8_t *cache_write_buf; /* the same */
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
  size_t buf_pages = CACHE_CLUSTER * BLOCK_SECTOR_SIZE / PGSIZE;
  uint8_t *pages = palloc_get_multiple(0, CACHE_PAGES + 2 * buf_pages);
  if (pages == NULL)
    return false;
  cache_read_buf = pages + CACHE_PAGES * PGSIZE;
  cache_write_buf = cache_read_buf + buf_pages * PGSIZE;
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

/* The valid slot holding SECTOR, or NULL. Caller holds cache_lock. */
static struct cache_slot *cache_find(block_sector_t sector)
{
  int16_t index;
  for (index = *cache_bucket_of(sector); index != CACHE_NONE; index = cache_slots[index].next)
    if (cache_slots[index].sector == sector)
      return &cache_slots[index];
  return NULL;
}

/* True if SECTOR is cached and dirty. Caller holds cache_lock. */
static bool cache_is_dirty(block_sector_t sector)
{
  struct cache_slot *slot = cache_find(sector);
  return slot != NULL && slot->dirty;
}

/* Writes SLOT back if dirty, together with the dirty slots next to it in its aligned block
   of CACHE_CLUSTER sectors (one disk command); all of them are clean after. Caller holds
   cache_lock. */
static void cache_clean_slot(struct cache_slot *slot)
{
  if (!slot->valid || !slot->dirty)
    return;
  block_sector_t block = slot->sector - slot->sector % CACHE_CLUSTER;
  block_sector_t first = slot->sector, end = slot->sector + 1;
  while (first > block && cache_is_dirty(first - 1))
    first--;
  while (end < block + CACHE_CLUSTER && cache_is_dirty(end))
    end++;
  for (block_sector_t s = first; s < end; s++) {
    struct cache_slot *each = cache_find(s);
    memcpy(cache_write_buf + (s - first) * BLOCK_SECTOR_SIZE, each->data, BLOCK_SECTOR_SIZE);
    each->dirty = false;
  }
  block_write_sectors(cache_dev, first, end - first, cache_write_buf);
}

/* A free slot for SECTOR (not cached), made findable, its data not loaded: evicts with a
   clock over the accessed bits, writing the victim back first. ACCESSED: the new slot's
   accessed bit. Caller holds cache_lock. */
static struct cache_slot *cache_new_slot(block_sector_t sector, bool accessed)
{
  struct cache_slot *slot;
  int16_t index;
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
  slot->accessed = accessed;
  slot->sector = sector;
  cache_hash_insert(index);
  return slot;
}

/* Returns the slot holding SECTOR, loading it from disk unless LOAD is false (the caller
   then overwrites all of it). A load reads the run of uncached sectors of SECTOR's aligned
   block that holds SECTOR in one command; the sectors read along are cached unaccessed, so
   the clock takes them first if they stay unused. Caller holds cache_lock. */
static struct cache_slot *cache_get_slot(block_sector_t sector, bool load)
{
  struct cache_slot *slot = cache_find(sector);
  if (slot != NULL) {
    slot->accessed = true;
    return slot;
  }
  if (!load)
    return cache_new_slot(sector, true);
  block_sector_t block = sector - sector % CACHE_CLUSTER;
  block_sector_t first = sector, end = sector + 1;
  block_sector_t size = block_size(cache_dev);
  while (first > block && cache_find(first - 1) == NULL)
    first--;
  while (end < block + CACHE_CLUSTER && end < size && cache_find(end) == NULL)
    end++;
  block_read_sectors(cache_dev, first, end - first, cache_read_buf);
  for (block_sector_t s = first; s < end; s++) {
    /* Taking a slot may write others back, never load one: the run is still uncached. */
    struct cache_slot *each = cache_new_slot(s, s == sector);
    memcpy(each->data, cache_read_buf + (s - first) * BLOCK_SECTOR_SIZE, BLOCK_SECTOR_SIZE);
    if (s == sector)
      slot = each;
  }
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
