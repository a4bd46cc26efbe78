#ifndef VM_EVICT_H
#define VM_EVICT_H

/* PRIVATE to src/vm. The evictor (evict.c), given to frame_table_init. */

struct frame;
struct vm_space;

/* Needs: frame_lock held. One victim, pinned and empty, or NULL; *BUSY then names a space
   whose lock another thread holds and whose frame could have been evicted (referenced:
   give it to frame_wait or space_unref), else stays NULL. Frames the current thread's own
   fault just filled and not yet used are never chosen (frame.fresh). */
struct frame *evict_one(struct vm_space **busy);

#endif
