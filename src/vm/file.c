/* Pages of a memory-mapped file (ABI mmap/munmap). Each mapping owns a file handle of its
   own; a page is read on first touch and written back at munmap/exit if the hardware
   dirty bit says it was modified. */

#include "vm/page.h"
#include "lib/string.h"
#include "threads/mmu.h"
#include "threads/vaddr.h"
#include "vm/frame.h"

static bool file_page_swap_in(struct page *page, void *kva);
static bool file_page_swap_out(struct page *page);
static void file_page_destroy(struct page *page);

const struct page_ops vm_file_ops = {
    .type = VM_FILE,
    .swap_in = file_page_swap_in,
    .swap_out = file_page_swap_out,
    .destroy = file_page_destroy,
};

/* Guarantees: PAGE is backed by READ_BYTES bytes of MAP's file at OFS, zeros after. */
void vm_file_init(struct page *page, struct vm_mapping *map, off_t ofs, uint32_t read_bytes)
{
  page->ops = &vm_file_ops;
  page->file.map = map;
  page->file.ofs = ofs;
  page->file.read_bytes = read_bytes;
}

/* Guarantees: KVA holds the file bytes (the file may have shrunk: missing bytes read as
   zero). Always succeeds. */
static bool file_page_swap_in(struct page *page, void *kva)
{
  struct file_page *fp = &page->file;
  off_t got = 0;
  if (fp->read_bytes > 0)
    got = file_read_at(fp->map->file, kva, (off_t)fp->read_bytes, fp->ofs);
  if (got < 0)
    got = 0;
  memset((uint8_t *)kva + got, 0, PGSIZE - (size_t)got);
  return true;
}

/* Needs: PAGE resident and mapped in its space. Guarantees: its bytes are in the file if
   it was dirty; the dirty bit is cleared. */
static bool file_page_swap_out(struct page *page)
{
  uint64_t *pml4 = page->space->pml4;
  if (page->frame != NULL && mmu_is_dirty(pml4, page->va)) {
    if (page->file.read_bytes > 0)
      file_write_at(page->file.map->file, page->frame->kva, (off_t)page->file.read_bytes,
                    page->file.ofs);
    mmu_set_dirty(pml4, page->va, false);
  }
  return true;
}

/* Writes a dirty resident page back; the mapping's handle is closed by its owner. */
static void file_page_destroy(struct page *page) { file_page_swap_out(page); }
