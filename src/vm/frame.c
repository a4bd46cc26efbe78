#include "vm/frame.h"
#include "threads/malloc.h"
#include "threads/palloc.h"
#include "threads/synch.h"
#include "vm/page.h"

static struct list frame_list;
static struct lock frame_lock;
static size_t frames_in_use, frames_peak;

/* Needs: called once before any user process exists. */
void frame_table_init(void)
{
  list_init(&frame_list);
  lock_init(&frame_lock);
}

/* Needs: PAGE not resident. Guarantees: on success the returned frame is on the frame
   table and owned by PAGE; the caller maps it and sets page->frame. Caller frees it with
   frame_free. */
struct frame *frame_alloc(struct page *page)
{
  struct frame *f = malloc(sizeof *f);
  if (f == NULL)
    return NULL;
  f->kva = palloc_get_page(PAL_USER);
  if (f->kva == NULL) {
    free(f);
    return NULL;
  }
  f->page = page;
  lock_acquire(&frame_lock);
  list_push_back(&frame_list, &f->elem);
  if (++frames_in_use > frames_peak)
    frames_peak = frames_in_use;
  lock_release(&frame_lock);
  return f;
}

/* Needs: F unmapped from every page table. Guarantees: F and its memory are released. */
void frame_free(struct frame *f)
{
  lock_acquire(&frame_lock);
  list_remove(&f->elem);
  frames_in_use--;
  lock_release(&frame_lock);
  palloc_free_page(f->kva);
  free(f);
}

size_t frame_peak(void) { return frames_peak; }
