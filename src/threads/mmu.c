#include "threads/mmu.h"
#include <stddef.h>
#include "lib/debug.h"
#include "threads/e820.h"
#include "threads/interrupt.h"
#include "threads/palloc.h"
#include "threads/vaddr.h"

/* Page-table entry bits (Intel SDM vol. 3, 4.5, tables 4-15 to 4-20). */
#define PTE_P    0x001ULL /* present */
#define PTE_W    0x002ULL /* writable */
#define PTE_U    0x004ULL /* user accessible */
#define PTE_A    0x020ULL /* accessed (set by the CPU, SDM 4.8) */
#define PTE_D    0x040ULL /* dirty (set by the CPU on a write, SDM 4.8) */
#define PTE_PS   0x080ULL /* page size: 2 MiB leaf in a PD entry */
#define PTE_G    0x100ULL /* global: survives CR3 loads when CR4.PGE = 1 (SDM 4.10.2.4) */
#define PTE_ADDR 0x000FFFFFFFFFF000ULL /* bits 12..51: frame or next-level table */

#define CR4_PGE (1ULL << 7) /* SDM vol. 3, 2.5 */

#define PT_ENTRIES 512
#define LARGE_PAGE (2ULL << 20)
/* Physical memory mapped at KERN_BASE is capped here; palloc uses nothing above it. */
#define MMU_PHYS_CAP (4ULL << 30)

/* Layout of the address space around KERN_BASE = 0x8004000000:
   PML4 slot 1 covers 0x8000000000..0xFFFFFFFFFF. Its PDPT entry 0 points at the PD covering
   0x8000000000..0x803FFFFFFF; PD entries 0..31 (0x8000000000..KERN_BASE, 64 MiB) are USER
   space per the ABI, entries 32.. map physical memory from 0 with 2 MiB pages.
   KERN_PD_FIRST is the PD index of KERN_BASE inside that first PD. */
#define KERN_PML4_SLOT 1
#define KERN_PD_FIRST  32
/* PDs needed to map MMU_PHYS_CAP starting at index KERN_PD_FIRST. */
#define KERN_PD_CNT ((KERN_PD_FIRST + MMU_PHYS_CAP / LARGE_PAGE + PT_ENTRIES - 1) / PT_ENTRIES)
/* Kernel tables: [0] PML4, [1] PDPT of slot 1, [2..] PDs. */
#define KERN_TABLE_CNT (2 + KERN_PD_CNT)

uint64_t *mmu_kernel_pml4;

/* Hardware access, isolated so the table logic can run in a host unit test. */
#ifdef HOST_TEST
extern uint64_t (*mmu_host_kernel_tables)[PT_ENTRIES]; /* provided by the test, in fake RAM */
uint64_t mmu_host_cr3;
unsigned long mmu_host_invlpg_cnt;
#define mmu_kernel_tables mmu_host_kernel_tables
static inline uint64_t mmu_read_cr3(void) { return mmu_host_cr3; }
static inline void mmu_write_cr3(uint64_t pa) { mmu_host_cr3 = pa; }
static inline void mmu_invlpg(const void *va)
{
  (void)va;
  mmu_host_invlpg_cnt++;
}
static inline void mmu_enable_global_pages(void) {}
#else
static uint64_t mmu_kernel_tables[KERN_TABLE_CNT][PT_ENTRIES] __attribute__((aligned(4096)));

static inline uint64_t mmu_read_cr3(void)
{
  uint64_t v;
  __asm__ volatile("mov %%cr3, %0" : "=r"(v));
  return v;
}
/* Loading CR3 flushes all non-global TLB entries (SDM vol. 3, 4.10.4.1). */
static inline void mmu_write_cr3(uint64_t pa)
{
  __asm__ volatile("mov %0, %%cr3" : : "r"(pa) : "memory");
}
/* INVLPG drops the TLB entry of one page (SDM vol. 3, 4.10.4.1); needed after changing or
   removing a present entry of the active table (SDM vol. 3, 4.10.4.2). */
static inline void mmu_invlpg(const void *va)
{
  __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}
/* Sets CR4.PGE so the kernel's global mappings stay cached across CR3 loads. */
static inline void mmu_enable_global_pages(void)
{
  uint64_t cr4;
  __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
  if (!(cr4 & CR4_PGE))
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_PGE) : "memory");
}
#endif

static inline uint64_t *mmu_entry_table(uint64_t entry) { return ptov(entry & PTE_ADDR); }

static inline unsigned mmu_index(uint64_t va, unsigned shift)
{
  return (unsigned)(va >> shift) & (PT_ENTRIES - 1);
}

/* Top of the RAM-like E820 ranges (usable or ACPI), capped at MMU_PHYS_CAP and rounded up
   to a 2 MiB boundary: the amount of physical memory the kernel maps. */
static uint64_t mmu_phys_limit(void)
{
  uint32_t cnt = e820_count();
  uint64_t top = KERNEL_PHYS_BASE;
  uint32_t i;

  for (i = 0; i < cnt; i++) {
    struct e820_range r = e820_get(i);
    uint64_t end = r.base + r.length;
    if (r.type != E820_USABLE && r.type != E820_ACPI_RECLAIM && r.type != E820_ACPI_NVS)
      continue;
    if (end > top)
      top = end;
  }
  if (top > MMU_PHYS_CAP)
    top = MMU_PHYS_CAP;
  return (top + LARGE_PAGE - 1) & ~(LARGE_PAGE - 1);
}

/* Builds the kernel page table in static storage (palloc is not ready yet): all RAM below
   4 GiB mapped at KERN_BASE with 2 MiB global, writable, supervisor pages (SDM vol. 3,
   4.5, table 4-17), nothing else — in particular no identity mapping of low memory, so
   kernel NULL dereferences fault. Then loads it into CR3. */
void mmu_init(void)
{
  uint64_t(*t)[PT_ENTRIES] = mmu_kernel_tables;
  uint64_t limit = mmu_phys_limit();
  uint64_t large_cnt = limit / LARGE_PAGE;
  unsigned pd_used = (unsigned)((KERN_PD_FIRST + large_cnt + PT_ENTRIES - 1) / PT_ENTRIES);
  uint64_t i;
  unsigned j, k;

  for (k = 0; k < 2 + pd_used; k++)
    for (j = 0; j < PT_ENTRIES; j++)
      t[k][j] = 0;
  t[0][KERN_PML4_SLOT] = vtop(t[1]) | PTE_P | PTE_W | PTE_U;
  for (k = 0; k < pd_used; k++)
    t[1][k] = vtop(t[2 + k]) | PTE_P | PTE_W | PTE_U;
  for (i = 0; i < large_cnt; i++) {
    uint64_t g = KERN_PD_FIRST + i;
    t[2 + g / PT_ENTRIES][g % PT_ENTRIES] = (i * LARGE_PAGE) | PTE_P | PTE_W | PTE_PS | PTE_G;
  }
  mmu_kernel_pml4 = t[0];
  mmu_enable_global_pages();
  mmu_write_cr3(vtop(t[0]));
}

/* True if PML4 is the active page table. */
static inline bool mmu_is_active(const uint64_t *pml4)
{
  return (mmu_read_cr3() & PTE_ADDR) == vtop(pml4);
}

/* Zeroed page-table page from the kernel pool, or NULL. */
static uint64_t *mmu_alloc_table(void) { return palloc_get_page(PAL_ZERO); }

/* New user page table. Slot 1 starts out pointing at the kernel's own PDPT, which is how
   the kernel mapping at KERN_BASE is shared. Slot 0 (the boot loader's identity mapping in
   its own tables) stays empty: user space starts at 0. */
uint64_t *mmu_create(void)
{
  uint64_t *pml4 = mmu_alloc_table();
  if (pml4 == NULL)
    return NULL;
  pml4[KERN_PML4_SLOT] = mmu_kernel_pml4[KERN_PML4_SLOT];
  return pml4;
}

/* User mappings in 0x8000000000..KERN_BASE would land in the PD that also holds the
   kernel's first 2 MiB pages. Sharing that PD would leak such mappings into every process,
   and refusing them would shrink user space below what the ABI promises, so PML4 gets
   private copies of the slot-1 PDPT and of that PD the first time it maps a page there
   (2 pages, only for processes that use the window). The copied kernel entries never change
   after mmu_init, so the copies stay valid. False if out of memory. */
static bool mmu_privatize_kernel_slot(uint64_t *pml4)
{
  uint64_t *kpdpt = mmu_entry_table(mmu_kernel_pml4[KERN_PML4_SLOT]);
  uint64_t *kpd = mmu_entry_table(kpdpt[0]);
  uint64_t *pdpt, *pd;
  unsigned i;

  if ((pml4[KERN_PML4_SLOT] & PTE_ADDR) != vtop(kpdpt))
    return true;
  pdpt = mmu_alloc_table();
  pd = mmu_alloc_table();
  if (pdpt == NULL || pd == NULL) {
    if (pdpt != NULL)
      palloc_free_page(pdpt);
    if (pd != NULL)
      palloc_free_page(pd);
    return false;
  }
  for (i = KERN_PD_FIRST; i < PT_ENTRIES; i++)
    pd[i] = kpd[i];
  for (i = 1; i < PT_ENTRIES; i++)
    pdpt[i] = kpdpt[i];
  pdpt[0] = vtop(pd) | PTE_P | PTE_W | PTE_U;
  pml4[KERN_PML4_SLOT] = vtop(pdpt) | PTE_P | PTE_W | PTE_U;
  return true;
}

/* The page table (leaf level) of the last walk: the one of PML4 covering the 2 MiB region
   REGION (VA >> 21), or PML4 NULL. An eviction tests and clears the bits of one entry in a
   few calls, and a fault maps a page beside the last one: most walks end here. Table pages
   are freed only by mmu_destroy, which forgets its PML4's entry. Read and written with
   interrupts off, so that a thread switched out halfway never pairs one walk's key with
   another's table. */
static struct {
  uint64_t *pml4;
  uint64_t region;
  uint64_t *pt;
} mmu_leaf;

/* The leaf table of PML4 covering VA if mmu_leaf holds it, else NULL. */
static uint64_t *mmu_leaf_cached(uint64_t *pml4, uint64_t va)
{
  enum intr_level old = intr_disable();
  uint64_t *pt = mmu_leaf.pml4 == pml4 && mmu_leaf.region == va >> 21 ? mmu_leaf.pt : NULL;
  intr_set_level(old);
  return pt;
}

static void mmu_leaf_remember(uint64_t *pml4, uint64_t va, uint64_t *pt)
{
  enum intr_level old = intr_disable();
  mmu_leaf.pml4 = pml4;
  mmu_leaf.region = va >> 21;
  mmu_leaf.pt = pt;
  intr_set_level(old);
}

/* Before PML4's tables are freed: mmu_leaf no longer names them. */
static void mmu_leaf_forget(uint64_t *pml4)
{
  enum intr_level old = intr_disable();
  if (mmu_leaf.pml4 == pml4)
    mmu_leaf.pml4 = NULL;
  intr_set_level(old);
}

/* Address of the 4 KiB page-table entry for user address VA (below KERN_BASE) in PML4, by a
   walk of the tables, or NULL if a level is missing (CREATE false) or cannot be allocated
   (CREATE true). Intermediate entries are user-accessible and writable; the leaf decides
   the access rights (SDM vol. 3, 4.6). */
static uint64_t *__attribute__((noinline)) mmu_walk_tables(uint64_t *pml4, uint64_t va, bool create)
{
  uint64_t *table = pml4;
  unsigned shift;

  if (create && mmu_index(va, 39) == KERN_PML4_SLOT && !mmu_privatize_kernel_slot(pml4))
    return NULL;
  for (shift = 39; shift > 12; shift -= 9) {
    uint64_t *e = &table[mmu_index(va, shift)];
    if (!(*e & PTE_P)) {
      uint64_t *next;
      if (!create)
        return NULL;
      next = mmu_alloc_table();
      if (next == NULL)
        return NULL;
      *e = vtop(next) | PTE_P | PTE_W | PTE_U;
    } else if (*e & PTE_PS) {
      return NULL;
    }
    table = mmu_entry_table(*e);
  }
  mmu_leaf_remember(pml4, va, table);
  return &table[mmu_index(va, 12)];
}

/* mmu_walk_tables, after the leaf cache (inline: most walks end there, and its fast path
   needs none of the table walk's registers). */
static inline uint64_t *mmu_walk(uint64_t *pml4, uint64_t va, bool create)
{
  if (va >= KERN_BASE)
    return NULL;
  uint64_t *pt = mmu_leaf_cached(pml4, va);
  return pt != NULL ? &pt[mmu_index(va, 12)] : mmu_walk_tables(pml4, va, create);
}

/* Frees the PD/PT levels below a user PDPT. When PRIVATE_PD0 is set, PDPT is a private
   copy of the kernel slot: only entry 0 (the private PD, whose entries below KERN_PD_FIRST
   are user tables) is owned; the other entries are the kernel's. */
static void mmu_free_pdpt(uint64_t *pdpt, bool private_pd0)
{
  unsigned i, j;
  unsigned pdpt_cnt = private_pd0 ? 1 : PT_ENTRIES;

  for (i = 0; i < pdpt_cnt; i++) {
    uint64_t *pd;
    unsigned pd_cnt = private_pd0 ? KERN_PD_FIRST : PT_ENTRIES;
    if (!(pdpt[i] & PTE_P))
      continue;
    pd = mmu_entry_table(pdpt[i]);
    for (j = 0; j < pd_cnt; j++)
      if ((pd[j] & PTE_P) && !(pd[j] & PTE_PS))
        palloc_free_page(mmu_entry_table(pd[j]));
    palloc_free_page(pd);
  }
  palloc_free_page(pdpt);
}

/* Frees every table page of user page table PML4 (not the mapped frames). If PML4 is
   active, switches to the kernel table first. */
void mmu_destroy(uint64_t *pml4)
{
  unsigned i;

  if (pml4 == NULL)
    return;
  ASSERT(pml4 != mmu_kernel_pml4);
  if (mmu_is_active(pml4))
    mmu_activate(NULL);
  mmu_leaf_forget(pml4);
  for (i = 0; i < KERN_PML4_SLOT; i++)
    if (pml4[i] & PTE_P)
      mmu_free_pdpt(mmu_entry_table(pml4[i]), false);
  if (pml4[KERN_PML4_SLOT] != mmu_kernel_pml4[KERN_PML4_SLOT])
    mmu_free_pdpt(mmu_entry_table(pml4[KERN_PML4_SLOT]), true);
  palloc_free_page(pml4);
}

/* Loads PML4 (NULL = the kernel table) into CR3, unless it is already there: reloading
   would only flush the TLB, and every PTE change made here already invalidates its entry. */
void mmu_activate(uint64_t *pml4)
{
  if (pml4 == NULL)
    pml4 = mmu_kernel_pml4;
  if (!mmu_is_active(pml4))
    mmu_write_cr3(vtop(pml4));
}

/* Writes ENTRY into *PTE for user page UPAGE, flushing the stale TLB entry if PML4 is
   active and the old entry was present. Not-present entries are never cached, so a
   0 -> present change needs no flush (SDM vol. 3, 4.10.2.3 and 4.10.4.3). */
static void mmu_update_entry(uint64_t *pml4, uint64_t *pte, const void *upage, uint64_t entry)
{
  uint64_t old = *pte;
  *pte = entry;
  if ((old & PTE_P) && old != entry && mmu_is_active(pml4))
    mmu_invlpg(upage);
}

/* Maps user page UPAGE to the frame at kernel address KPAGE with BITS (beyond P and U),
   replacing any previous mapping. False if a table page could not be allocated. */
static bool mmu_map_entry(uint64_t *pml4, void *upage, void *kpage, uint64_t bits)
{
  uint64_t *pte;

  ASSERT(pg_ofs(upage) == 0 && pg_ofs(kpage) == 0);
  ASSERT(is_user_vaddr(upage) && is_kernel_vaddr(kpage));
  ASSERT(pml4 != mmu_kernel_pml4);
  pte = mmu_walk(pml4, (uint64_t)upage, true);
  if (pte == NULL)
    return false;
  mmu_update_entry(pml4, pte, upage, vtop(kpage) | PTE_P | PTE_U | bits);
  return true;
}

/* Maps UPAGE to KPAGE, read-only unless WRITABLE. */
bool mmu_map_page(uint64_t *pml4, void *upage, void *kpage, bool writable)
{
  return mmu_map_entry(pml4, upage, kpage, writable ? PTE_W : 0);
}

/* The same with the accessed bit set already (SDM vol. 3, 4.8: software may set it), for a
   page whose faulting access has not run yet: one walk instead of a map then a set. */
bool mmu_map_page_used(uint64_t *pml4, void *upage, void *kpage, bool writable)
{
  return mmu_map_entry(pml4, upage, kpage, PTE_A | (writable ? PTE_W : 0));
}

/* Removes the mapping of user page UPAGE, if any. Table pages are kept until destroy. */
void mmu_unmap_page(uint64_t *pml4, void *upage)
{
  uint64_t *pte = mmu_walk(pml4, (uint64_t)upage, false);
  if (pte != NULL && (*pte & PTE_P))
    mmu_update_entry(pml4, pte, pg_round_down(upage), 0);
}

/* Present leaf entry for user address UADDR, or NULL. */
static uint64_t *mmu_present_entry(uint64_t *pml4, const void *uaddr)
{
  uint64_t *pte = mmu_walk(pml4, (uint64_t)uaddr, false);
  return pte != NULL && (*pte & PTE_P) ? pte : NULL;
}

void *mmu_lookup_page(uint64_t *pml4, const void *uaddr)
{
  uint64_t *pte = mmu_present_entry(pml4, uaddr);
  if (pte == NULL)
    return NULL;
  return (char *)ptov(*pte & PTE_ADDR) + pg_ofs(uaddr);
}

static bool mmu_test_bit(uint64_t *pml4, const void *upage, uint64_t bit)
{
  uint64_t *pte = mmu_present_entry(pml4, upage);
  return pte != NULL && (*pte & bit) != 0;
}

/* Sets or clears BIT in the present entry for UPAGE (no-op if unmapped). Clearing A or D
   must be followed by INVLPG, or the CPU keeps using a cached entry with the bit set and
   does not set it again (SDM vol. 3, 4.8 and 4.10.4.2). */
static void mmu_change_bit(uint64_t *pml4, const void *upage, uint64_t bit, bool value)
{
  uint64_t *pte = mmu_present_entry(pml4, upage);
  if (pte != NULL)
    mmu_update_entry(pml4, pte, pg_round_down(upage), value ? (*pte | bit) : (*pte & ~bit));
}

/* Fork's copy-on-write share of UPAGE. Needs: KPAGE the frame mapped there in SRC (if
   mapped), no mapping at UPAGE in DST and DST not active. Guarantees: SRC's entry (if
   present) read-only; DST maps KPAGE read-only with SRC's dirty bit and a clear accessed
   bit (set, when USED: the page is about to be read, as for a first touch). One walk per
   table: this replaces a dirty test, a map, a write-protect and a dirty copy. SRC's TLB entry is
   NOT flushed (no INVLPG): the caller calls mmu_flush(SRC) before SRC runs user code again, one CR3
   load for the whole fork (SDM vol. 3, 4.10.4.1). False if a DST table page could not be allocated
   (SRC is still changed: read-only is always safe for a page the fault path may make writable
   again). */
bool mmu_share_page(uint64_t *src, uint64_t *dst, void *upage, void *kpage, bool used)
{
  uint64_t *spte = mmu_present_entry(src, upage);
  uint64_t entry = vtop(kpage) | PTE_P | PTE_U | (used ? PTE_A : 0);
  if (spte != NULL) {
    *spte &= ~PTE_W;
    entry |= *spte & PTE_D;
  }
  uint64_t *dpte = mmu_walk(dst, (uint64_t)upage, true);
  if (dpte == NULL)
    return false;
  *dpte = entry;
  return true;
}

/* Clears R/W in every user leaf entry of the page table PT (not-present entries are 0 and
   stay 0, so the loop needs no test; unrolled, it costs under two instructions an entry). */
static void mmu_protect_pt(uint64_t *pt)
{
#pragma GCC unroll 8
  for (unsigned i = 0; i < PT_ENTRIES; i++)
    pt[i] &= ~(uint64_t)PTE_W;
}

/* Walks the user part of PDPT as mmu_free_pdpt does (PRIVATE_PD0: the private copy of the
   kernel slot, whose only user entries are those of PD 0 below KERN_PD_FIRST). */
static void mmu_protect_pdpt(uint64_t *pdpt, bool private_pd0)
{
  unsigned pdpt_cnt = private_pd0 ? 1 : PT_ENTRIES;
  unsigned pd_cnt = private_pd0 ? KERN_PD_FIRST : PT_ENTRIES;
  for (unsigned i = 0; i < pdpt_cnt; i++) {
    if (!(pdpt[i] & PTE_P))
      continue;
    uint64_t *pd = mmu_entry_table(pdpt[i]);
    for (unsigned j = 0; j < pd_cnt; j++)
      if ((pd[j] & PTE_P) && !(pd[j] & PTE_PS))
        mmu_protect_pt(mmu_entry_table(pd[j]));
  }
}

/* Makes every user mapping of PML4 read-only, leaving the upper levels writable: the leaf
   decides (SDM vol. 3, 4.6), so each page's next write faults. The cost is one pass over
   each page-table page, not a walk per page. The TLB is NOT flushed: the caller calls
   mmu_flush before PML4 runs user code again. */
void mmu_protect_user(uint64_t *pml4)
{
  for (unsigned i = 0; i < KERN_PML4_SLOT; i++)
    if (pml4[i] & PTE_P)
      mmu_protect_pdpt(mmu_entry_table(pml4[i]), false);
  if (pml4[KERN_PML4_SLOT] != mmu_kernel_pml4[KERN_PML4_SLOT])
    mmu_protect_pdpt(mmu_entry_table(pml4[KERN_PML4_SLOT]), true);
}

void mmu_flush(uint64_t *pml4)
{
  if (mmu_is_active(pml4))
    mmu_write_cr3(vtop(pml4));
}

bool mmu_is_writable(uint64_t *pml4, const void *upage) { return mmu_test_bit(pml4, upage, PTE_W); }
void mmu_set_writable(uint64_t *pml4, const void *upage, bool writable)
{
  mmu_change_bit(pml4, upage, PTE_W, writable);
}
bool mmu_is_dirty(uint64_t *pml4, const void *upage) { return mmu_test_bit(pml4, upage, PTE_D); }
void mmu_set_dirty(uint64_t *pml4, const void *upage, bool dirty)
{
  mmu_change_bit(pml4, upage, PTE_D, dirty);
}
bool mmu_is_accessed(uint64_t *pml4, const void *upage) { return mmu_test_bit(pml4, upage, PTE_A); }
void mmu_set_accessed(uint64_t *pml4, const void *upage, bool accessed)
{
  mmu_change_bit(pml4, upage, PTE_A, accessed);
}

/* Calls FN for each present 4 KiB user mapping under PML4 in increasing address order,
   starting from page-table level TABLE (LEVEL 3 = PML4 ... 0 = PT) covering BASE. Entries
   at or above KERN_BASE and 2 MiB kernel leaves are skipped. FN may unmap its page. */
static void mmu_walk_all(uint64_t *table, int level, uint64_t base,
                         void (*fn)(void *, void *, bool, void *), void *aux)
{
  unsigned shift = 12 + 9 * (unsigned)level;
  unsigned i;

  for (i = 0; i < PT_ENTRIES; i++) {
    uint64_t e = table[i];
    uint64_t va = base + ((uint64_t)i << shift);
    if (va >= KERN_BASE)
      break;
    if (!(e & PTE_P) || (level > 0 && (e & PTE_PS)))
      continue;
    if (level == 0)
      fn((void *)va, ptov(e & PTE_ADDR), (e & PTE_W) != 0, aux);
    else
      mmu_walk_all(mmu_entry_table(e), level - 1, va, fn, aux);
  }
}

void mmu_for_each_page(uint64_t *pml4,
                       void (*fn)(void *upage, void *kpage, bool writable, void *aux), void *aux)
{
  mmu_walk_all(pml4, 3, 0, fn, aux);
}
