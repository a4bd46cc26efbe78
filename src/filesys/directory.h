#ifndef FILESYS_DIRECTORY_H
#define FILESYS_DIRECTORY_H

#include <stdbool.h>
#include <stdint.h>
#include "devices/block.h"

/* The flat root directory: a fixed table of struct kfs_dirent slots. Every function
   needs filesys_ns_lock held. Names passed in are 1..KFS_NAME_MAX bytes. */

/* Uses SECTORS directory sectors from START. */
void dir_setup(block_sector_t start, uint32_t sectors);

/* Finds NAME; stores its inode sector in *INODE_SECTOR and its slot number in *SLOT. */
bool dir_lookup(const char *name, block_sector_t *inode_sector, uint32_t *slot);

/* Stores NAME -> INODE_SECTOR in the first free slot. False if the table is full. The
   caller has checked that NAME is absent. */
bool dir_add(const char *name, block_sector_t inode_sector);

/* Finds the first used slot at or after FROM; copies its name (NUL-terminated, at most
   KFS_NAME_MAX bytes) into NAME and stores the slot number in *SLOT. False if none. */
bool dir_next(uint32_t from, char *name, uint32_t *slot);

/* Empties slot SLOT. */
void dir_clear_slot(uint32_t slot);

#endif
