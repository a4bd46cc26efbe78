/* User page tables: map/unmap/lookup, the accessed and dirty bits as set by the CPU on
   real accesses through the mapping (the table is activated briefly with interrupts off
   and the kernel touches the user addresses), TLB invalidation after clearing bits and
   after remapping, privacy of the user window just below KERN_BASE, mmu_for_each_page,
   and that mmu_destroy returns every table page. */
#include "tests/threads/tests.h"
#include "threads/interrupt.h"
#include "threads/mmu.h"
#include "threads/palloc.h"
#include "threads/thread.h"
#include "threads/vaddr.h"

#define UA   ((void *)0x10000000)
#define UB   ((void *)0x10001000)
#define UWIN ((void *)(KERN_BASE - PGSIZE))

static void count_page(void *upage, void *kpage, bool writable, void *aux)
{
  (void)upage;
  (void)kpage;
  (void)writable;
  (*(int *)aux)++;
}

static uint64_t read_user(const void *uaddr) { return *(volatile const uint64_t *)uaddr; }

static void write_user(void *uaddr, uint64_t v) { *(volatile uint64_t *)uaddr = v; }

void test_pagetable(void)
{
  struct palloc_usage before, after;
  uint64_t *pt, *pt2;
  uint64_t *f1, *f2;
  enum intr_level old;
  uint64_t v1, v2, v3;
  int n;

  msg("begin");
  palloc_get_usage(&before);
  pt = mmu_create();
  pt2 = mmu_create();
  f1 = palloc_get_page(PAL_USER | PAL_ZERO);
  f2 = palloc_get_page(PAL_USER | PAL_ZERO);
  CHECK(pt != NULL && pt2 != NULL && f1 != NULL && f2 != NULL, "allocation failed");
  f1[0] = 0x1111;
  f2[0] = 0x2222;

  CHECK(mmu_lookup_page(pt, UA) == NULL, "fresh table has a mapping");
  CHECK(mmu_lookup_page(pt, (void *)0x10000) == NULL, "low identity mapping visible");
  CHECK(mmu_map_page(pt, UA, f1, true), "map failed");
  CHECK(mmu_map_page(pt, UB, f2, false), "map failed");
  CHECK(mmu_lookup_page(pt, (uint8_t *)UA + 8) == (uint8_t *)f1 + 8, "lookup wrong");
  CHECK(mmu_lookup_page(pt, UB) == f2, "lookup wrong");
  CHECK(mmu_lookup_page(pt2, UA) == NULL, "mapping leaked to another table");
  CHECK(mmu_is_writable(pt, UA) && !mmu_is_writable(pt, UB), "writable bits wrong");
  CHECK(!mmu_is_accessed(pt, UA) && !mmu_is_dirty(pt, UA), "fresh mapping has A/D set");
  msg("map/lookup ok");

  old = intr_disable();
  mmu_activate(pt);
  v1 = read_user(UA);
  v2 = read_user(UB);
  CHECK(mmu_is_accessed(pt, UA) && !mmu_is_dirty(pt, UA), "read did not set only A");
  write_user(UA, 0xabcd);
  CHECK(mmu_is_dirty(pt, UA), "write did not set D");
  CHECK(mmu_is_accessed(pt, UB) && !mmu_is_dirty(pt, UB), "read-only page bits wrong");
  mmu_activate(thread_current()->pml4);
  intr_set_level(old);
  CHECK(v1 == 0x1111 && v2 == 0x2222, "read through mapping wrong");
  CHECK(f1[0] == 0xabcd, "write through mapping not visible in the frame");
  msg("accessed/dirty bits set by the CPU");

  old = intr_disable();
  mmu_activate(pt);
  mmu_set_dirty(pt, UA, false);
  mmu_set_accessed(pt, UA, false);
  v1 = read_user(UA);
  CHECK(mmu_is_accessed(pt, UA) && !mmu_is_dirty(pt, UA), "A not set again after clear");
  write_user(UA, 0x5555);
  CHECK(mmu_is_dirty(pt, UA), "D not set again after clear (stale TLB entry)");
  CHECK(mmu_map_page(pt, UA, f2, true), "remap failed");
  v2 = read_user(UA);
  mmu_unmap_page(pt, UB);
  mmu_activate(thread_current()->pml4);
  intr_set_level(old);
  CHECK(v1 == 0xabcd && f1[0] == 0x5555, "second access wrong");
  CHECK(v2 == 0x2222, "remap not seen (stale TLB entry)");
  CHECK(mmu_lookup_page(pt, UB) == NULL, "unmap failed");
  msg("invlpg after clearing bits and remapping ok");

  CHECK(mmu_map_page(pt, UWIN, f1, true), "map below KERN_BASE failed");
  CHECK(mmu_lookup_page(pt2, UWIN) == NULL, "window mapping leaked to another table");
  old = intr_disable();
  mmu_activate(pt);
  v3 = read_user((uint8_t *)UWIN + 8);
  write_user((uint8_t *)UWIN + 16, 0x7777);
  mmu_activate(pt2);
  mmu_activate(thread_current()->pml4);
  intr_set_level(old);
  CHECK(v3 == f1[1] && f1[2] == 0x7777, "access through the window mapping wrong");
  CHECK(mmu_lookup_page(mmu_kernel_pml4, UWIN) == NULL, "window mapping leaked to the kernel");
  msg("user window below KERN_BASE is private");

  n = 0;
  mmu_for_each_page(pt, count_page, &n);
  CHECK(n == 2, "for_each saw %d pages, expected 2", n);
  n = 0;
  mmu_for_each_page(pt2, count_page, &n);
  CHECK(n == 0, "for_each saw %d pages in an empty table", n);
  msg("for_each ok");

  mmu_destroy(pt);
  mmu_destroy(pt2);
  palloc_free_page(f1);
  palloc_free_page(f2);
  palloc_get_usage(&after);
  CHECK(after.kernel_used == before.kernel_used && after.user_used == before.user_used,
        "pages leaked: kernel %zu -> %zu, user %zu -> %zu", before.kernel_used, after.kernel_used,
        before.user_used, after.user_used);
  msg("destroy released all table pages");
  msg("end");
}
