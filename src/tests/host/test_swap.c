/* Host unit test of the swap slot table (vm/swap.c): a new slot is the free one nearest to
   the disk head (the slot after the last one read or written), a slot behind the head
   winning a tie; a stream of writes fills slots in order; a swap-in that frees the slot it
   read gives the next write that slot; references, the full table and a random state
   checked against a brute-force nearest search.
   Build: gcc -Isrc -DHOST_TEST -O1 -g src/tests/host/test_swap.c -o test_swap */
#define off_t libc_off_t
#include "tests/host/kernel_env.h"
#undef off_t
#include "vm/swap.c"

/* A swap disk of host_sectors sectors that moves no data. */
static struct block *host_disk = (struct block *)&host_disk;
static block_sector_t host_sectors;
static block_sector_t host_last; /* first sector of the last transfer */

struct block *block_get_role(enum block_role role) { return role == BLOCK_SWAP ? host_disk : NULL; }
block_sector_t block_size(struct block *b) { return host_sectors; }
void block_read_sectors(struct block *b, block_sector_t sector, unsigned count, void *buf)
{
  host_last = sector;
}
void block_write_sectors(struct block *b, block_sector_t sector, unsigned count, const void *buf)
{
  host_last = sector;
}
void vm_count(struct vm_counters *proc, enum vm_stat stat) {}

static uint8_t page[PGSIZE];

/* Brute force: the free slot nearest to HEAD, behind it on a tie; slot_cnt if none. */
static size_t nearest_free(size_t head)
{
  size_t best = slot_cnt;
  for (size_t s = 0; s < slot_cnt; s++) {
    if (!(slot_free[s / 64] >> (s % 64) & 1))
      continue;
    size_t d = s >= head ? 2 * (s - head) + 1 : 2 * (head - s);
    size_t bd = best >= head ? 2 * (best - head) + 1 : 2 * (head - best);
    if (best == slot_cnt || d < bd)
      best = s;
  }
  return best;
}

/* A fresh table of SLOTS slots. */
static void host_swap_init(size_t slots)
{
  free(slot_free);
  free(slot_refs);
  free(slot_frame);
  host_sectors = (block_sector_t)(slots * SECTORS_PER_SLOT);
  swap_head = used_cnt = used_peak = 0;
  swap_init();
}

int main(void)
{
  /* A stream of writes fills the slots in order. */
  host_swap_init(200);
  for (uint32_t i = 0; i < 150; i++) {
    uint32_t s = swap_alloc();
    CHECK(s == i);
    swap_write(s, page);
    CHECK(host_last == s * SECTORS_PER_SLOT);
  }
  /* Reading pages back in order, each fault writing a victim first: the victim takes the
     slot the previous read freed, next to the slot read next. */
  for (uint32_t r = 0; r < 100; r++) {
    uint32_t v = swap_alloc();
    CHECK(r == 0 ? v == 150 : v == r - 1);
    swap_write(v, page);
    swap_read(r, page);
    swap_unref(r);
  }
  CHECK(swap_used() == 150);

  /* Nearest in both directions; a tie goes behind the head. */
  host_swap_init(300);
  for (uint32_t i = 0; i < 300; i++)
    CHECK(swap_alloc() == i);
  CHECK(swap_full() && swap_alloc() == SWAP_NONE);
  swap_unref(10);
  swap_unref(250);
  swap_read(200, page); /* head 201 */
  CHECK(swap_alloc() == 250);
  swap_unref(150);
  swap_unref(252);
  swap_read(200, page); /* 150 is 51 behind the head, 252 is 51 ahead */
  CHECK(swap_alloc() == 150);
  CHECK(swap_alloc() == 252);
  swap_read(299, page); /* head past the last slot */
  CHECK(swap_alloc() == 10);
  CHECK(swap_full());

  /* References: a slot is free again only when its last reference goes. */
  swap_ref(20);
  swap_unref(20);
  CHECK(swap_full() && swap_shared(20) == false);
  swap_ref(20);
  CHECK(swap_shared(20));
  swap_unref(20);
  swap_unref(20);
  swap_read(20, page);
  CHECK(swap_alloc() == 20);

  /* Random states against the brute-force search. */
  host_swap_init(1000);
  uint64_t x = 88172645463325252ull;
  for (int round = 0; round < 20000; round++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    uint32_t s = (uint32_t)(x % slot_cnt);
    if (slot_free[s / 64] >> (s % 64) & 1) {
      swap_read(s, page); /* moves the head; the slot stays free */
      size_t want = nearest_free(swap_head);
      uint32_t got = swap_alloc();
      CHECK(got == want);
    } else if (x >> 40 & 1)
      swap_unref(s);
  }
  CHECK(swap_used() <= slot_cnt);

  if (host_failures == 0)
    printf("test_swap: OK\n");
  return host_failures != 0;
}
