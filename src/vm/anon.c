/* Anonymous pages: stack, heap-like .data/.bss after first touch. Without a swap disk
   their only copy is the frame; a swap slot is where they go when evicted (swap issue). */

#include <stdint.h>
#include "vm/page.h"

static bool anon_swap_in(struct page *page, void *kva);
static bool anon_swap_out(struct page *page);
static void anon_destroy(struct page *page);

const struct page_ops vm_anon_ops = {
    .type = VM_ANON,
    .swap_in = anon_swap_in,
    .swap_out = anon_swap_out,
    .destroy = anon_destroy,
};

/* Guarantees: PAGE is anonymous with no swap slot. Its contents live in its frame. */
void vm_anon_init(struct page *page)
{
  page->ops = &vm_anon_ops;
  page->anon.swap_slot = SIZE_MAX;
}

/* An anonymous page is only ever non-resident after a swap-out, which needs the swap
   device; without one there is nothing to read. */
static bool anon_swap_in(struct page *page, void *kva)
{
  (void)page;
  (void)kva;
  return false;
}

static bool anon_swap_out(struct page *page)
{
  (void)page;
  return false;
}

static void anon_destroy(struct page *page) { page->anon.swap_slot = SIZE_MAX; }
