/* The swap disk (ata1-slave, "hd1:1") in page-sized slots of 8 sectors. Each slot has a
   reference count: every page record whose contents live in the slot holds one (pages
   that shared a frame copy-on-write share its slot after eviction). Allocation takes the
   lowest free slot, so the same run always uses the same slots. Slot rule: a page that is
   swapped in gives up its reference at once (its frame is then the only copy, and it is
   written to a fresh slot if evicted again). */

#include "devices/block.h"
#include "lib/debug.h"
#include "threads/bitmap.h"
#include "threads/io.h"
#include "threads/malloc.h"
#include "threads/synch.h"
#include "threads/vaddr.h"
#include "vm/stats.h"
#include "vm/swap.h"

#define SECTORS_PER_SLOT (PGSIZE / BLOCK_SECTOR_SIZE)

static struct block *swap_disk;
static struct bitmap *slot_used;
static uint16_t *slot_refs;
static struct frame **slot_frame; /* swap cache: the resident copy of a shared slot */
static size_t slot_cnt, used_cnt, used_peak;
static struct lock swap_lock;

/* Needs: disks probed. Guarantees: without a swap disk (or memory for its tables) every
   swap_alloc fails. */
void swap_init(void)
{
  lock_init(&swap_lock);
  swap_disk = block_get_role(BLOCK_SWAP);
  if (swap_disk == NULL)
    return;
  slot_cnt = block_size(swap_disk) / SECTORS_PER_SLOT;
  slot_used = bitmap_create(slot_cnt);
  slot_refs = calloc(slot_cnt > 0 ? slot_cnt : 1, sizeof *slot_refs);
  slot_frame = calloc(slot_cnt > 0 ? slot_cnt : 1, sizeof *slot_frame);
  if (slot_used == NULL || slot_refs == NULL || slot_frame == NULL)
    slot_cnt = 0;
}

uint32_t swap_alloc(void)
{
  if (slot_cnt == 0)
    return SWAP_NONE;
  lock_acquire(&swap_lock);
  size_t slot = bitmap_scan_and_flip(slot_used, 0, 1, false);
  if (slot != BITMAP_ERROR) {
    slot_refs[slot] = 1;
    if (++used_cnt > used_peak)
      used_peak = used_cnt;
  }
  lock_release(&swap_lock);
  return slot == BITMAP_ERROR ? SWAP_NONE : (uint32_t)slot;
}

void swap_ref(uint32_t slot)
{
  lock_acquire(&swap_lock);
  ASSERT(slot < slot_cnt && slot_refs[slot] > 0);
  slot_refs[slot]++;
  lock_release(&swap_lock);
}

/* Drops one reference; the slot is free again when none is left. */
void swap_unref(uint32_t slot)
{
  lock_acquire(&swap_lock);
  ASSERT(slot < slot_cnt && slot_refs[slot] > 0);
  if (--slot_refs[slot] == 0) {
    slot_frame[slot] = NULL;
    bitmap_set(slot_used, slot, false);
    used_cnt--;
  }
  lock_release(&swap_lock);
}

/* TSC cycles spent in swap_write / swap_read (disk waits included), for the STATS line. */
uint64_t swap_write_cycles, swap_read_cycles;

/* Needs: SLOT allocated, KVA pinned. Sleeps on the disk. */
void swap_write(uint32_t slot, const void *kva)
{
  uint64_t start = rdtsc();
  block_write_sectors(swap_disk, slot * SECTORS_PER_SLOT, SECTORS_PER_SLOT, kva);
  vm_count(NULL, VM_SWAP_OUT);
  swap_write_cycles += rdtsc() - start;
}

void swap_read(uint32_t slot, void *kva)
{
  uint64_t start = rdtsc();
  block_read_sectors(swap_disk, slot * SECTORS_PER_SLOT, SECTORS_PER_SLOT, kva);
  vm_count(NULL, VM_SWAP_IN);
  swap_read_cycles += rdtsc() - start;
}

/* The swap cache. A page that shared a frame copy-on-write when it was evicted shares a
   slot with the other sharers; the first to fault it back records its frame here, so the
   others map that frame instead of reading their own copy. An entry lives while the slot
   is referenced and the frame is unchanged (mapped read-only, frame.c drops the entry
   before the frame is written, evicted or freed). */
struct frame *swap_cache_find(uint32_t slot)
{
  lock_acquire(&swap_lock);
  struct frame *f = slot < slot_cnt ? slot_frame[slot] : NULL;
  lock_release(&swap_lock);
  return f;
}

/* Records F as the resident copy of SLOT if another page still references SLOT. */
void swap_cache_add(uint32_t slot, struct frame *f)
{
  lock_acquire(&swap_lock);
  if (slot < slot_cnt && slot_refs[slot] > 1)
    slot_frame[slot] = f;
  lock_release(&swap_lock);
}

/* Forgets F as the resident copy of SLOT (if it is). */
void swap_cache_remove(uint32_t slot, struct frame *f)
{
  lock_acquire(&swap_lock);
  if (slot < slot_cnt && slot_frame[slot] == f)
    slot_frame[slot] = NULL;
  lock_release(&swap_lock);
}

size_t swap_used(void) { return used_cnt; }
bool swap_full(void) { return used_cnt == slot_cnt; }
size_t swap_peak(void) { return used_peak; }
