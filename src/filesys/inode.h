#ifndef FILESYS_INODE_H
#define FILESYS_INODE_H

#include <stdbool.h>
#include <stdint.h>
#include "devices/block.h"
#include "filesys/file.h"
#include "threads/synch.h"

/* Lock order of the file system, outermost first:
     filesys_ns_lock  (directory, free map, the open-inode list, open counts, removal)
     inode lock       (per inode: write denial, growth, and whole writes, so a denial never
                       lands mid-write and writers to one inode are serialised)
     free-map lock    (freemap.c)
     cache lock       (cache.c; held across its disk transfers)
   Readers take no inode lock: the length is published with release ordering after the
   data and extents it covers. The free-map and cache locks are never held together.
   The file system calls nothing outside itself while holding these except block_read,
   block_write, malloc/free and palloc, so callers may hold locks of their own (the VM
   reading a page of an mmapped file, for example). */
extern struct lock filesys_ns_lock;

struct inode;

/* Empties the open-inode table; called by filesys_init. */
void inode_init(void);

/* Allocates an inode and LENGTH bytes of zeroed data; stores the inode sector in *SECTOR.
   False if the disk is too full or too fragmented. Caller holds filesys_ns_lock. */
bool inode_create(uint32_t length, block_sector_t *sector);

/* Returns the in-memory inode for SECTOR (shared: every open of one sector returns the
   same object, with its open count raised), or NULL if memory is short or SECTOR does not
   hold an inode. Caller holds filesys_ns_lock. */
struct inode *inode_open(block_sector_t sector);

/* Another reference to INODE. Caller holds filesys_ns_lock. */
struct inode *inode_reopen(struct inode *inode);

/* Drops one reference; the last one frees the memory, and also the disk sectors if the
   inode was removed. Caller holds filesys_ns_lock. */
void inode_close(struct inode *inode);

/* Marks INODE to have its sectors freed at its last close. Caller holds filesys_ns_lock. */
void inode_remove(struct inode *inode);

/* Frees the sectors of the inode at SECTOR, which nobody has open. Caller holds
   filesys_ns_lock. */
void inode_delete(block_sector_t sector);

/* At power-off: frees the sectors of every removed inode still open and gives back the
   sectors open files hold past their end, so the disk is left without lost sectors and
   every inode holds exactly what its length needs; then freezes the inodes (writes
   return 0, closes only free memory). Caller holds filesys_ns_lock. */
void inode_power_off(void);

/* Reads up to SIZE bytes at OFS; returns the count read (0 at or past the end). */
off_t inode_read_at(struct inode *inode, void *buf, off_t size, off_t ofs);

/* Writes SIZE bytes at OFS, growing the file when the write ends past its end (a gap
   between the old end and OFS reads as zeros). Returns the count written: SIZE, or less
   if the disk (or the inode's extent table) is full and the file cannot grow, and 0
   while writes are denied. */
off_t inode_write_at(struct inode *inode, const void *buf, off_t size, off_t ofs);

void inode_deny_write(struct inode *inode);
void inode_allow_write(struct inode *inode);
off_t inode_length(const struct inode *inode);
block_sector_t inode_get_sector(const struct inode *inode);

/* New file handle at position 0 owning one reference to INODE, or NULL if memory is short
   (the reference is then still the caller's). Defined in file.c. */
struct file *file_open_inode(struct inode *inode);

#endif
