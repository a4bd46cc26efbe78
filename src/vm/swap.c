/* The swap disk (ata1-slave, "hd1:1") in page-sized slots of 8 sectors. Each slot has a
   reference count: every page record whose contents live in the slot holds one (pages
   that shared a frame copy-on-write share its slot after eviction). Allocation takes the
   lowest free slot, so the same run always uses the same slots. Slot rule: a page that is
   swapped in gives up its reference at once (its frame is then the only copy, and it is
   written to a fresh slot if evicted again). */

#include "devices/block.h"
#include "lib/debug.h"
#include "threads/interrupt.h"
#include "threads/io.h"
#include "threads/malloc.h"
#include "threads/synch.h"
#include "threads/vaddr.h"
#include "vm/stats.h"
#include "vm/swap.h"

#define SECTORS_PER_SLOT (PGSIZE / BLOCK_SECTOR_SIZE)

static struct block *swap_disk;
static uint64_t *slot_free; /* bit S % 64 of word S / 64 set: slot S is free */
static size_t free_words;   /* words in slot_free */
static size_t free_hint;    /* every word of slot_free below this one is 0 */
static uint16_t *slot_refs;
static struct frame **slot_frame; /* swap cache: the resident copy of a shared slot */
static size_t slot_cnt, used_cnt, used_peak;

/* The tables above are guarded by turning interrupts off (one CPU; no section sleeps or
   takes a lock, and each is a few dozen instructions): a lock's round trip costs about
   140 cycles, and a swap-in took three. */

/* Needs: disks probed. Guarantees: without a swap disk (or memory for its tables) every
   swap_alloc fails. */
void swap_init(void)
{
  swap_disk = block_get_role(BLOCK_SWAP);
  if (swap_disk == NULL)
    return;
  slot_cnt = block_size(swap_disk) / SECTORS_PER_SLOT;
  free_words = (slot_cnt + 63) / 64;
  slot_free = calloc(free_words > 0 ? free_words : 1, sizeof *slot_free);
  slot_refs = calloc(slot_cnt > 0 ? slot_cnt : 1, sizeof *slot_refs);
  slot_frame = calloc(slot_cnt > 0 ? slot_cnt : 1, sizeof *slot_frame);
  if (slot_free == NULL || slot_refs == NULL || slot_frame == NULL) {
    slot_cnt = free_words = 0;
    return;
  }
  for (size_t s = 0; s < slot_cnt; s++)
    slot_free[s / 64] |= 1ull << (s % 64);
}

/* The lowest free slot, now referenced once; SWAP_NONE when every slot is in use (or there
   is no swap disk). A word of 64 slots at a time from the lowest that may hold a free one. */
uint32_t swap_alloc(void)
{
  uint32_t slot = SWAP_NONE;
  enum intr_level old = intr_disable();
  while (free_hint < free_words && slot_free[free_hint] == 0)
    free_hint++;
  if (free_hint < free_words) {
    uint64_t word = slot_free[free_hint];
    slot = (uint32_t)(free_hint * 64 + (size_t)__builtin_ctzll(word));
    slot_free[free_hint] = word & (word - 1);
    slot_refs[slot] = 1;
    if (++used_cnt > used_peak)
      used_peak = used_cnt;
  }
  intr_set_level(old);
  return slot;
}

void swap_ref(uint32_t slot)
{
  enum intr_level old = intr_disable();
  ASSERT(slot < slot_cnt && slot_refs[slot] > 0);
  slot_refs[slot]++;
  intr_set_level(old);
}

/* Drops one reference; the slot is free again when none is left. */
void swap_unref(uint32_t slot)
{
  enum intr_level old = intr_disable();
  ASSERT(slot < slot_cnt && slot_refs[slot] > 0);
  if (--slot_refs[slot] == 0) {
    slot_frame[slot] = NULL;
    slot_free[slot / 64] |= 1ull << (slot % 64);
    if (slot / 64 < free_hint)
      free_hint = slot / 64;
    used_cnt--;
  }
  intr_set_level(old);
}

/* True if SLOT (allocated) has more than one reference: another page may look for its
   resident copy in the swap cache. */
bool swap_shared(uint32_t slot)
{
  ASSERT(slot < slot_cnt);
  return slot_refs[slot] > 1;
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
  enum intr_level old = intr_disable();
  struct frame *f = slot < slot_cnt ? slot_frame[slot] : NULL;
  intr_set_level(old);
  return f;
}

/* Records F as the resident copy of SLOT if another page still references SLOT. */
void swap_cache_add(uint32_t slot, struct frame *f)
{
  enum intr_level old = intr_disable();
  if (slot < slot_cnt && slot_refs[slot] > 1)
    slot_frame[slot] = f;
  intr_set_level(old);
}

/* Forgets F as the resident copy of SLOT (if it is). */
void swap_cache_remove(uint32_t slot, struct frame *f)
{
  enum intr_level old = intr_disable();
  if (slot < slot_cnt && slot_frame[slot] == f)
    slot_frame[slot] = NULL;
  intr_set_level(old);
}

size_t swap_used(void) { return used_cnt; }
const size_t *const swap_used_cnt = &used_cnt;
bool swap_full(void) { return used_cnt == slot_cnt; }
size_t swap_peak(void) { return used_peak; }
