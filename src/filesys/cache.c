#include "filesys/cache.h"
#include "lib/debug.h"
#include "lib/string.h"
#include "threads/palloc.h"
#include "threads/synch.h"
#include "threads/vaddr.h"

#define CACHE_PAGES 16
#define CACHE_SLOTS (CACHE_PAGES * PGSIZE / BLOCK_SECTOR_SIZE)

struct cache_slot {
  block_sector_t sector;
  bool valid;
  bool dirty;
  bool accessed; /* second-chance bit for the clock hand */
  uint8_t *data; /* BLOCK_SECTOR_SIZE bytes inside the cache pages */
};

static struct block *cache_dev;
static struct lock cache_lock;
static struct cache_slot cache_slots[CACHE_SLOTS];
static size_t cache_hand;

bool cache_init(struct block *dev) {
  uint8_t *pages = palloc_get_multiple(0, CACHE_PAGES);
  if (pages == NULL)
    return false;
  lock_init(&cache_lock);
  cache_dev = dev;
  cache_hand = 0;
  for (size_t i = 0; i < CACHE_SLOTS; i++) {
    cache_slots[i].valid = false;
    cache_slots[i].dirty = false;
    cache_slots[i].accessed = false;
    cache_slots[i].data = pages + i * BLOCK_SECTOR_SIZE;
  }
  return true;
}

/* Writes SLOT back if dirty. Caller holds cache_lock. */
static void cache_clean_slot(struct cache_slot *slot) {
  if (slot->valid && slot->dirty) {
    block_write(cache_dev, slot->sector, slot->data);
    slot->dirty = false;
  }
}

/* Returns the slot holding SECTOR, loading it from disk unless LOAD is false (the caller
   then overwrites all of it). Evicts with a clock over the accessed bits, writing the
   victim back first. Caller holds cache_lock. */
static struct cache_slot *cache_get_slot(block_sector_t sector, bool load) {
  struct cache_slot *slot;
  for (size_t i = 0; i < CACHE_SLOTS; i++) {
    slot = &cache_slots[i];
    if (slot->valid && slot->sector == sector) {
      slot->accessed = true;
      return slot;
    }
  }
  for (;;) {
    slot = &cache_slots[cache_hand];
    cache_hand = (cache_hand + 1) % CACHE_SLOTS;
    if (!slot->valid)
      break;
    if (!slot->accessed)
      break;
    slot->accessed = false;
  }
  cache_clean_slot(slot);
  slot->valid = true;
  slot->dirty = false;
  slot->accessed = true;
  slot->sector = sector;
  if (load)
    block_read(cache_dev, sector, slot->data);
  return slot;
}

void cache_read_bytes(block_sector_t sector, void *buf, size_t ofs, size_t len) {
  ASSERT(ofs + len <= BLOCK_SECTOR_SIZE);
  lock_acquire(&cache_lock);
  struct cache_slot *slot = cache_get_slot(sector, true);
  memcpy(buf, slot->data + ofs, len);
  lock_release(&cache_lock);
}

void cache_write_bytes(block_sector_t sector, const void *buf, size_t ofs, size_t len) {
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

void cache_discard_range(block_sector_t start, size_t cnt) {
  lock_acquire(&cache_lock);
  for (size_t i = 0; i < CACHE_SLOTS; i++) {
    struct cache_slot *slot = &cache_slots[i];
    if (slot->valid && slot->sector >= start && slot->sector - start < cnt) {
      slot->valid = false;
      slot->dirty = false;
    }
  }
  lock_release(&cache_lock);
}

void cache_flush_all(void) {
  lock_acquire(&cache_lock);
  for (size_t i = 0; i < CACHE_SLOTS; i++)
    cache_clean_slot(&cache_slots[i]);
  lock_release(&cache_lock);
}
