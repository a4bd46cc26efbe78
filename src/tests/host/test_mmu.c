/* Host unit test of the page-table logic in threads/mmu.c (CR3/INVLPG are simulated under
   HOST_TEST), on fake RAM with palloc providing the table pages.
   Build: gcc -Isrc -DHOST_TEST -O1 -g src/tests/host/test_mmu.c -o test_mmu */
#include "tests/host/kernel_env.h"
#include "threads/bitmap.c"
#include "threads/e820.c"
#include "threads/palloc.c"
#include "threads/mmu.c"

/* Software walk of the kernel table: physical address KERN_BASE + OFS translates to. */
static uint64_t kernel_translate(uint64_t va)
{
  uint64_t *t = mmu_kernel_pml4;
  unsigned shift;
  for (shift = 39; shift >= 21; shift -= 9) {
    uint64_t e = t[(va >> shift) & 511];
    if (!(e & PTE_P))
      return UINT64_MAX;
    if (shift == 21) {
      CHECK(e & PTE_PS);
      CHECK(e & PTE_G);
      CHECK(!(e & PTE_U));
      return (e & PTE_ADDR) + (va & (LARGE_PAGE - 1));
    }
    t = ptov(e & PTE_ADDR);
  }
  return UINT64_MAX;
}

struct visit {
  int cnt, writable;
  uint64_t last;
  bool ordered;
};

static void count_page(void *upage, void *kpage, bool writable, void *aux)
{
  struct visit *v = aux;
  if (v->cnt > 0 && (uint64_t)upage <= v->last)
    v->ordered = false;
  v->last = (uint64_t)upage;
  v->cnt++;
  v->writable += writable;
  (void)kpage;
}

int main(void)
{
  struct palloc_usage base, u;
  uint64_t *pd0;
  uint64_t *p1, *p2;
  void *f1, *f2, *f3;
  struct visit v;
  unsigned long inv;
  unsigned i;

  host_ram_setup(20);
  mmu_init();
  palloc_init(SIZE_MAX);
  CHECK(mmu_host_cr3 == HOST_TABLES_PA);
  CHECK(mmu_kernel_pml4[0] == 0);
  CHECK(kernel_translate(KERN_BASE) == 0);
  CHECK(kernel_translate(KERN_BASE + 0x12345) == 0x12345);
  CHECK(kernel_translate(KERN_BASE + (19u << 20) + 7) == (19u << 20) + 7);
  CHECK(kernel_translate(KERN_BASE + (20u << 20)) == UINT64_MAX); /* 20 MB is 2 MiB aligned */
  CHECK(kernel_translate(KERN_BASE - PGSIZE) == UINT64_MAX);
  pd0 = ptov(((uint64_t *)ptov(mmu_kernel_pml4[1] & PTE_ADDR))[0] & PTE_ADDR);
  for (i = 0; i < 32; i++)
    CHECK(pd0[i] == 0);

  palloc_get_usage(&base);
  p1 = mmu_create();
  p2 = mmu_create();
  CHECK(p1 != NULL && p2 != NULL && p1 != p2);
  f1 = palloc_get_page(PAL_USER);
  f2 = palloc_get_page(PAL_USER);
  f3 = palloc_get_page(PAL_USER);

  /* Basic mapping, lookup with offsets, permissions. */
  CHECK(mmu_lookup_page(p1, (void *)0x400000) == NULL);
  CHECK(mmu_map_page(p1, (void *)0x400000, f1, false));
  CHECK(mmu_map_page(p1, (void *)0x401000, f2, true));
  CHECK(mmu_lookup_page(p1, (void *)0x400123) == (char *)f1 + 0x123);
  CHECK(mmu_lookup_page(p1, (void *)0x401fff) == (char *)f2 + 0xfff);
  CHECK(mmu_lookup_page(p2, (void *)0x400000) == NULL);
  CHECK(!mmu_is_writable(p1, (void *)0x400000));
  CHECK(mmu_is_writable(p1, (void *)0x401000));
  mmu_set_writable(p1, (void *)0x400000, true);
  CHECK(mmu_is_writable(p1, (void *)0x400000));
  CHECK(mmu_lookup_page(p1, (void *)KERN_BASE) == NULL);
  CHECK(mmu_lookup_page(p1, (void *)(KERN_BASE + 0x10000)) == NULL);
  CHECK(host_expect_panic(mmu_map_page(p1, (void *)KERN_BASE, f3, true)));
  CHECK(host_expect_panic(mmu_map_page(p1, (void *)0x400010, f3, true)));

  /* Accessed/dirty bits as the CPU would set them. */
  CHECK(!mmu_is_dirty(p1, (void *)0x401000) && !mmu_is_accessed(p1, (void *)0x401000));
  *mmu_walk(p1, 0x401000, false) |= PTE_A | PTE_D;
  CHECK(mmu_is_dirty(p1, (void *)0x401000) && mmu_is_accessed(p1, (void *)0x401000));
  mmu_set_dirty(p1, (void *)0x401000, false);
  CHECK(!mmu_is_dirty(p1, (void *)0x401000) && mmu_is_accessed(p1, (void *)0x401000));
  mmu_set_accessed(p1, (void *)0x401000, false);
  CHECK(!mmu_is_accessed(p1, (void *)0x401000));
  mmu_set_dirty(p1, (void *)0x401000, true);
  CHECK(mmu_is_dirty(p1, (void *)0x401000));
  CHECK(!mmu_is_dirty(p1, (void *)0x900000));

  /* INVLPG only for changes to the active table. */
  inv = mmu_host_invlpg_cnt;
  mmu_unmap_page(p1, (void *)0x401000);
  CHECK(mmu_host_invlpg_cnt == inv);
  CHECK(mmu_map_page(p1, (void *)0x401000, f2, true));
  mmu_activate(p1);
  CHECK(mmu_host_cr3 == vtop(p1));
  mmu_unmap_page(p1, (void *)0x401000);
  CHECK(mmu_host_invlpg_cnt == inv + 1);
  CHECK(mmu_lookup_page(p1, (void *)0x401000) == NULL);
  mmu_unmap_page(p1, (void *)0x401000);
  mmu_unmap_page(p1, (void *)0x7000000);
  CHECK(mmu_host_invlpg_cnt == inv + 1);
  CHECK(mmu_map_page(p1, (void *)0x401000, f2, true)); /* not present before: no flush */
  CHECK(mmu_host_invlpg_cnt == inv + 1);
  CHECK(mmu_map_page(p1, (void *)0x401000, f3, true)); /* remap: flush */
  CHECK(mmu_host_invlpg_cnt == inv + 2);
  mmu_activate(NULL);
  CHECK(mmu_host_cr3 == HOST_TABLES_PA);

  /* The 64 MiB user window below KERN_BASE is private per page table. */
  CHECK(p1[1] == mmu_kernel_pml4[1]);
  CHECK(mmu_map_page(p1, (void *)(KERN_BASE - PGSIZE), f1, true));
  CHECK(mmu_map_page(p1, (void *)0x8000000000ULL, f2, true));
  CHECK(p1[1] != mmu_kernel_pml4[1]);
  CHECK(mmu_lookup_page(p1, (void *)(KERN_BASE - 1)) == (char *)f1 + PGMASK);
  CHECK(mmu_lookup_page(p2, (void *)(KERN_BASE - 1)) == NULL);
  for (i = 0; i < 32; i++)
    CHECK(pd0[i] == 0);
  {
    uint64_t *pdpt = ptov(p1[1] & PTE_ADDR);
    uint64_t *kpdpt = ptov(mmu_kernel_pml4[1] & PTE_ADDR);
    uint64_t *pd = ptov(pdpt[0] & PTE_ADDR);
    CHECK(pd != pd0);
    for (i = 1; i < 512; i++)
      CHECK(pdpt[i] == kpdpt[i]);
    for (i = 32; i < 512; i++)
      CHECK(pd[i] == pd0[i]);
  }

  /* for_each: every mapping once, in address order. */
  CHECK(mmu_map_page(p1, (void *)0x47470000, f3, true));
  CHECK(mmu_map_page(p1, (void *)0x1000, f3, false));
  v = (struct visit){0, 0, 0, true};
  mmu_for_each_page(p1, count_page, &v);
  CHECK(v.cnt == 6 && v.ordered && v.last == KERN_BASE - PGSIZE);
  v = (struct visit){0, 0, 0, true};
  mmu_for_each_page(p2, count_page, &v);
  CHECK(v.cnt == 0);

  /* Lazy fork's bulk write-protect: every user mapping read-only, still present, its
     frame, accessed and dirty bits kept; the kernel's entries in the private window PD and
     the kernel's own tables untouched. */
  {
    uint64_t *pdpt = ptov(p1[1] & PTE_ADDR);
    uint64_t *pd = ptov(pdpt[0] & PTE_ADDR);
    uint64_t kernel_pd[512], kernel_pd0[512];
    for (i = 0; i < 512; i++) {
      kernel_pd[i] = pd[i];
      kernel_pd0[i] = pd0[i];
    }
    mmu_set_dirty(p1, (void *)0x47470000, true);
    mmu_protect_user(p1);
    CHECK(!mmu_is_writable(p1, (void *)0x401000) && !mmu_is_writable(p1, (void *)0x47470000));
    CHECK(!mmu_is_writable(p1, (void *)(KERN_BASE - PGSIZE)));
    CHECK(!mmu_is_writable(p1, (void *)0x8000000000ULL));
    CHECK(mmu_lookup_page(p1, (void *)0x47470000) == f3 && mmu_is_dirty(p1, (void *)0x47470000));
    CHECK(mmu_lookup_page(p1, (void *)(KERN_BASE - PGSIZE)) == f1);
    for (i = 32; i < 512; i++)
      CHECK(pd[i] == kernel_pd[i] && pd0[i] == kernel_pd0[i]);
    v = (struct visit){0, 0, 0, true};
    mmu_for_each_page(p1, count_page, &v);
    CHECK(v.cnt == 6 && v.ordered && v.writable == 0);
    CHECK(kernel_translate(KERN_BASE + 0x12345) == 0x12345);
    mmu_protect_user(p2); /* empty table: nothing to walk */
  }

  /* Destroy releases every table page, including the private window copies. */
  mmu_activate(p1);
  mmu_destroy(p1);
  CHECK(mmu_host_cr3 == HOST_TABLES_PA);
  mmu_destroy(p2);
  palloc_free_page(f1);
  palloc_free_page(f2);
  palloc_free_page(f3);
  palloc_get_usage(&u);
  CHECK(u.kernel_used == base.kernel_used && u.user_used == base.user_used);

  /* The leaf-table cache of mmu_walk: a walk right after another in the same 2 MiB region
     of the same table sees that table's entries; a table destroyed and a new one created
     at the same address (palloc hands back the page just freed) sees none of the old
     one's, and walks of two tables in turn never mix their entries. */
  {
    uint64_t *a = mmu_create(), *old_a = a, *b;
    CHECK(a != NULL && mmu_map_page(a, (void *)0x600000, f1, true));
    CHECK(mmu_lookup_page(a, (void *)0x601000) == NULL);
    CHECK(mmu_map_page(a, (void *)0x601000, f2, false));
    CHECK(mmu_lookup_page(a, (void *)0x600000) == f1 && mmu_lookup_page(a, (void *)0x601000) == f2);
    mmu_destroy(a);
    b = mmu_create();
    CHECK(b == old_a); /* else this part tests nothing: the allocator changed */
    CHECK(mmu_lookup_page(b, (void *)0x600000) == NULL && !mmu_is_dirty(b, (void *)0x601000));
    CHECK(mmu_map_page(b, (void *)0x600000, f3, true) &&
          mmu_lookup_page(b, (void *)0x601000) == NULL);
    a = mmu_create();
    CHECK(a != NULL && a != b && mmu_map_page(a, (void *)0x600000, f2, true));
    CHECK(mmu_lookup_page(b, (void *)0x600000) == f3 && mmu_lookup_page(a, (void *)0x600000) == f2);
    mmu_unmap_page(b, (void *)0x600000);
    CHECK(mmu_lookup_page(a, (void *)0x600000) == f2 &&
          mmu_lookup_page(b, (void *)0x600000) == NULL);
    mmu_destroy(a);
    mmu_destroy(b);
    palloc_get_usage(&u);
    CHECK(u.kernel_used == base.kernel_used);
  }

  /* Out of memory while building tables: map fails cleanly, destroy still frees all. */
  {
    void *hog[5000];
    size_t n = 0;
    p1 = mmu_create();
    CHECK(mmu_map_page(p1, (void *)0x400000, ptov(0x200000), true));
    while (n < 5000 && (hog[n] = palloc_get_page(0)) != NULL)
      n++;
    CHECK(!mmu_map_page(p1, (void *)0x40000000, ptov(0x200000), true));
    CHECK(!mmu_map_page(p1, (void *)0x8000000000ULL, ptov(0x200000), true));
    CHECK(p1[1] == mmu_kernel_pml4[1]);
    palloc_free_page(hog[--n]);
    CHECK(!mmu_map_page(p1, (void *)0x8000000000ULL, ptov(0x200000), true));
    CHECK(p1[1] == mmu_kernel_pml4[1]);
    while (n > 0)
      palloc_free_page(hog[--n]);
    mmu_destroy(p1);
    palloc_get_usage(&u);
    CHECK(u.kernel_used == base.kernel_used);
  }

  /* 4 GiB cap: a map with RAM above 4 GiB maps exactly 0..4 GiB. */
  {
    struct host_e820 *e = ptov(0x508);
    e[4] = (struct host_e820){0x100000000ULL, 0x100000000ULL, 1, 1};
    mmu_init();
    CHECK(kernel_translate(KERN_BASE + 0xFFFFFFFFULL) == 0xFFFFFFFFULL);
    CHECK(kernel_translate(KERN_BASE + 0x100000000ULL) == UINT64_MAX);
  }
  return host_finish("test_mmu");
}
