/* The swap disk (ata1-slave, "hd1:1") in page-sized slots of 8 sectors. Each slot has a
   reference count: every page record whose contents live in the slot holds one (pages
   that shared a frame copy-on-write share its slot after eviction). Allocation takes the
   free slot nearest to the last slot read or written (swap_alloc), a choice that depends
   only on the run's own history, so the same run always uses the same slots. Slot rule: a page that
   is swapped in gives up its reference at once (its frame is then the only copy, and it is written
   to a fresh slot if evicted again). */

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
static size_t swap_head;    /* the slot after the last one read or written */
static uint16_t *slot_refs;
static struct frame **slot_frame; /* swap cache: the resident copy of a shared slot */
static size_t slot_cnt, used_cnt, used_peak;

/* The tables above are guarded by turning interrupts off (one CPU; no section sleeps or
   takes a lock, and each is a few dozen instructions): cheaper than a lock's round trip,
   of which a swap-in would need three. */

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

/* The free slot nearest to slot HEAD (the one the disk head reached last), searching the
   bitmap a word of 64 slots at a time in both directions; slot_cnt when none is free. A
   slot behind HEAD wins a tie: HEAD - K starts 8 K - 1 sectors from the last sector
   accessed, HEAD + K 8 K + 1. Interrupts off. */
static size_t swap_find_near(size_t head)
{
  size_t fwd = slot_cnt, back = slot_cnt;
  if (head > slot_cnt)
    head = slot_cnt;
  /* The two nearest, first: HEAD itself (a stream of writes) and HEAD - 1 (the slot a
     swap-in just read and freed), which beats HEAD + 1. */
  if (head < slot_cnt && (slot_free[head / 64] >> (head % 64) & 1))
    return head;
  if (head > 0 && (slot_free[(head - 1) / 64] >> ((head - 1) % 64) & 1))
    return head - 1;
  for (size_t w = head / 64; w < free_words; w++) {
    uint64_t word = slot_free[w];
    if (w == head / 64)
      word &= head % 64 ? ~0ull << (head % 64) : ~0ull;
    if (word != 0) {
      fwd = w * 64 + (size_t)__builtin_ctzll(word);
      break;
    }
  }
  size_t reach = fwd < slot_cnt ? fwd - head : slot_cnt; /* a slot behind must be nearer */
  for (size_t w = head / 64 + 1; w-- > 0 && head - w * 64 <= reach + 63;) {
    uint64_t word = w < free_words ? slot_free[w] : 0;
    if (w == head / 64)
      word &= (1ull << (head % 64)) - 1;
    if (word != 0) {
      size_t b = w * 64 + 63 - (size_t)__builtin_clzll(word);
      if (head - b <= reach)
        back = b;
      break;
    }
  }
  return back < slot_cnt ? back : fwd;
}

/* A free slot, now referenced once: the one nearest to where the swap disk's head is
   (swap_head), so that a page written out during a fault lands beside the slot the fault
   then reads instead of across the disk: under the lowest-free rule a process reading its
   pages back in order wrote each victim to the lowest free slot, far behind, and every
   read then seeked back (on Bochs a read waits about 5 ms times the seek distance over the
   disk's size, at least 10 us: docs/design.md). SWAP_NONE when every slot is in use (or
   there is no swap disk). */
uint32_t swap_alloc(void)
{
  uint32_t slot = SWAP_NONE;
  enum intr_level old = intr_disable();
  if (used_cnt < slot_cnt) {
    size_t s = swap_find_near(swap_head);
    ASSERT(s < slot_cnt);
    slot = (uint32_t)s;
    slot_free[s / 64] &= ~(1ull << (s % 64));
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
  swap_head = slot + 1;
  vm_count(NULL, VM_SWAP_OUT);
  swap_write_cycles += rdtsc() - start;
}

void swap_read(uint32_t slot, void *kva)
{
  uint64_t start = rdtsc();
  block_read_sectors(swap_disk, slot * SECTORS_PER_SLOT, SECTORS_PER_SLOT, kva);
  swap_head = slot + 1;
  vm_count(NULL, VM_SWAP_IN);
  swap_read_cycles += rdtsc() - start;
}

/* The swap cache. A page that shared a frame copy-on-write when it was evicted shares a
   slot with the other sharers; the first to fault it back records its frame here, so the
   others map that frame instead of reading their own copy. An entry lives while the slot
   is referenced and the frame is unchanged (mapped read-only, frame.c drops the entry
   before the frame is written, evicted or freed). A lookup is one aligned load, which an
   interrupt cannot split on one CPU, so it runs with interrupts as they are (every
   swap-in fault makes one). */
struct frame *swap_cache_find(uint32_t slot)
{
  return slot < slot_cnt ? __atomic_load_n(&slot_frame[slot], __ATOMIC_RELAXED) : NULL;
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
