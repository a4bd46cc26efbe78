#ifndef FILESYS_CACHE_H
#define FILESYS_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include "devices/block.h"

/* Write-back sector cache in front of the file-system disk. One lock (the innermost of
   the file system) covers the whole cache, including the disk transfers it starts;
   callers may hold any other file-system lock. */

/* Takes the cache pages from the kernel pool (kept until power-off) and binds the cache
   to DEV. False if the pages are not available. */
bool cache_init(struct block *dev);

/* Copies LEN bytes at offset OFS of SECTOR into BUF (OFS + LEN <= 512). */
void cache_read_bytes(block_sector_t sector, void *buf, size_t ofs, size_t len);

/* Copies LEN bytes from BUF to offset OFS of SECTOR (OFS + LEN <= 512); a whole-sector
   write does not read the disk first. BUF NULL writes zeros. */
void cache_write_bytes(block_sector_t sector, const void *buf, size_t ofs, size_t len);

/* Forgets sectors START .. START + CNT - 1 without writing them back (they were freed). */
void cache_discard_range(block_sector_t start, size_t cnt);

/* Writes every dirty sector back to disk. */
void cache_flush_all(void);

#endif
