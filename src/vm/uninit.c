/* Lazily loaded pages of an executable: nothing is read until the first touch, which
   copies the recorded file ranges into the new frame, zeroes the rest and turns the page
   into its target type (anonymous memory: writes to .data must never reach the file). */

#include "vm/page.h"
#include "lib/string.h"
#include "threads/vaddr.h"

static bool uninit_swap_in(struct page *page, void *kva);
static void uninit_destroy(struct page *page);

const struct page_ops vm_uninit_ops = {
    .type = VM_UNINIT,
    .swap_in = uninit_swap_in,
    .swap_out = NULL,
    .destroy = uninit_destroy,
};

/* Needs: PAGE fresh (only va/space/writable set). Guarantees: PAGE is a lazy page of
   type TARGET with no file ranges yet (reads as zeros until chunks are added). */
void vm_uninit_init(struct page *page, enum vm_type target)
{
  page->ops = &vm_uninit_ops;
  page->uninit.target = target;
  page->uninit.chunk_cnt = 0;
}

/* Needs: PAGE->space->exec_file open. Guarantees: KVA holds the page's initial contents
   and PAGE is now of its target type; false (PAGE unchanged) if a read came up short. */
static bool uninit_swap_in(struct page *page, void *kva)
{
  struct uninit_page *u = &page->uninit;
  uint8_t *dst = kva;
  if (!(u->chunk_cnt == 1 && u->chunks[0].page_ofs == 0 && u->chunks[0].len == PGSIZE))
    memset(dst, 0, PGSIZE);
  for (unsigned i = 0; i < u->chunk_cnt; i++) {
    const struct lazy_chunk *c = &u->chunks[i];
    if (file_read_at(page->space->exec_file, dst + c->page_ofs, c->len, c->file_ofs) != c->len)
      return false;
  }
  vm_anon_init(page);
  return true;
}

/* Nothing is owned by a lazy page: the executable handle belongs to the address space. */
static void uninit_destroy(struct page *page) { (void)page; }
