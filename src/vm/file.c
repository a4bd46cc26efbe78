/* Pages of a memory-mapped file (ABI mmap/munmap). The mapping's range owns a file handle
   of its own; a page is read on first touch, written back when evicted or unmapped if the
   hardware dirty bit says it was modified, and dropped when clean. */

#include "lib/string.h"
#include "threads/vaddr.h"
#include "vm/page.h"
#include "vm/range.h"
#include "vm/swap.h"

/* File offset of PAGE's first byte and how many bytes of it the file backed at mmap. */
static off_t file_page_ofs(const struct page *page, uint32_t *bytes)
{
  const struct vm_range *r = page->range;
  int64_t ofs = (int64_t)r->map.ofs + (int64_t)(page->va - r->start);
  int64_t avail = (int64_t)r->map.flen - ofs;
  *bytes = avail <= 0 ? 0 : avail >= (int64_t)PGSIZE ? PGSIZE : (uint32_t)avail;
  return (off_t)(ofs > 0x7fffffff ? 0x7fffffff : ofs);
}

static void file_page_init(struct page *page, const struct vm_range *range)
{
  page->writable = range->writable;
  page->slot = SWAP_NONE;
}

static enum fault_kind file_page_fault_kind(const struct page *page)
{
  (void)page;
  return FAULT_FILE;
}

/* Guarantees: KVA holds the file bytes (the file may have shrunk: missing bytes read as
   zero). Always succeeds. */
static bool file_page_fill(struct page *page, void *kva)
{
  uint32_t bytes;
  off_t ofs = file_page_ofs(page, &bytes);
  off_t got = bytes > 0 ? file_read_at(page->range->map.file, kva, (off_t)bytes, ofs) : 0;
  if (got < 0)
    got = 0;
  memset((uint8_t *)kva + got, 0, PGSIZE - (size_t)got);
  return true;
}

/* Writes PAGE's file-backed bytes from KVA back to the file. */
static void file_page_write_back(struct page *page, const void *kva)
{
  uint32_t bytes;
  off_t ofs = file_page_ofs(page, &bytes);
  if (bytes > 0)
    file_write_at(page->range->map.file, kva, (off_t)bytes, ofs);
}

static enum evict_kind file_page_evict(struct page *page, void *kva, bool dirty)
{
  if (!dirty)
    return EVICT_DROP;
  file_page_write_back(page, kva);
  return EVICT_WRITE;
}

static void file_page_copy(struct page *dst, const struct page *src)
{
  (void)src;
  dst->slot = SWAP_NONE;
}

static void file_page_destroy(struct page *page, void *kva, bool dirty)
{
  if (kva != NULL && dirty)
    file_page_write_back(page, kva);
}

/* Not shareable: a child's mapping is its own (its range and handle), so it gets a copy
   of the frame. */
const struct page_ops vm_file_ops = {
    .init = file_page_init,
    .fault_kind = file_page_fault_kind,
    .fill = file_page_fill,
    .evict = file_page_evict,
    .copy = file_page_copy,
    .destroy = file_page_destroy,
    .shareable = false,
    .when_swap_full = FULL_SWAP_ANY,
};

/* A fork's copy of a mapping gets a handle of its own on the file. */
static bool file_range_copy(struct vm_range *dst, const struct vm_range *src)
{
  dst->map.file = file_reopen(src->map.file);
  return dst->map.file != NULL;
}

static void file_range_release(struct vm_range *range) { file_close(range->map.file); }

const struct range_ops vm_mapping_range = {
    .pages = &vm_file_ops,
    .copy = file_range_copy,
    .release = file_range_release,
    .unmappable = true,
};
