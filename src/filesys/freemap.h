#ifndef FILESYS_FREEMAP_H
#define FILESYS_FREEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "devices/block.h"
#include "filesys/layout.h"

/* In-memory copy of the free map, behind its own lock (taken after any inode lock,
   released before any cache call). Changed sectors are written back by freemap_flush
   only. */

/* Loads the free map described by SUPER from DEV into kernel-pool pages kept until
   power-off. False (with nothing kept) if the pages are short or the map is malformed. */
bool freemap_init(struct block *dev, const struct kfs_super *super);

/* Allocates CNT sectors as at most MAX_EXTENTS runs, fewest runs first: one run if any
   free run is long enough, otherwise the longest runs. Stores the runs in EXTENTS and
   their number in *EXTENT_CNT. On failure changes nothing and returns false. */
bool freemap_allocate(size_t cnt, struct kfs_extent *extents, uint32_t max_extents,
                      uint32_t *extent_cnt);

/* Allocates up to MAX_CNT free sectors starting exactly at START (stopping at the first
   one in use or the end of the disk); returns how many. Used to grow a file in place. */
size_t freemap_allocate_at(block_sector_t start, size_t max_cnt);

/* Marks sectors START .. START + CNT - 1 free. */
void freemap_release(block_sector_t start, size_t cnt);

/* Number of sectors of the file system (free or not). */
uint32_t freemap_sector_count(void);

/* Number of free sectors. */
size_t freemap_free_count(void);

/* Writes back the free-map sectors changed since the last flush. */
void freemap_flush(void);

#endif
