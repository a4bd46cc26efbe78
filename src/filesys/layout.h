#ifndef FILESYS_LAYOUT_H
#define FILESYS_LAYOUT_H

/* On-disk format of the Kestrel file system (KFS), version 1. tools/kfs.py reads and
   writes the same format; keep the two in step. All integers are little-endian.

     sector 0                      superblock (struct kfs_super)
     sectors freemap_start..       free map: bit i (byte i / 8, bit i % 8) set = sector i
                                   in use; bits at or past sector_cnt are zero
     sectors dir_start..           the root directory: a flat array of struct kfs_dirent
     the rest                      inodes (one sector each) and file data, handed out by
                                   the free map

   The superblock, free map and directory sectors are marked in use in the free map.

   An inode describes its data with extents (runs of consecutive sectors) rather than an
   index tree. A lookup walks at most KFS_EXTENT_MAX pairs already in memory, with no
   indirect-block reads, and an 8 MB file on a disk with that much contiguous space is a
   single extent. create(name, size) gets its whole size at once (one run when a free run
   is long enough, else the longest runs); a file that grows extends its last run in
   place when the next sectors are free, else gets a new run, and grows by at least as
   much as it already holds (up to 512 kB more than needed), so even files grown in small
   interleaved writes use few extents (an 8 MB file at most about 25). The kernel gives
   back the sectors past the end of file when a file is last closed and at power-off, so
   in a clean image the extents together, in order, hold exactly
   DIV_ROUND_UP(length, 512) sectors. Bytes past the end of file in its last sector are
   zero. */

#include <stdint.h>

#define KFS_SECTOR_SIZE 512
#define KFS_MAGIC       "KESTRLFS"
#define KFS_VERSION     1
#define KFS_INODE_MAGIC "INOD"
#define KFS_NAME_MAX    14
#define KFS_EXTENT_MAX  62

struct kfs_super {
  char magic[8];            /* KFS_MAGIC, no NUL */
  uint32_t version;         /* KFS_VERSION */
  uint32_t sector_cnt;      /* sectors belonging to the file system */
  uint32_t freemap_start;   /* first free-map sector (1) */
  uint32_t freemap_sectors; /* DIV_ROUND_UP(sector_cnt, 4096) */
  uint32_t dir_start;       /* first directory sector */
  uint32_t dir_sectors;     /* directory sectors (16 entries each) */
  uint8_t reserved[480];    /* zero */
};

/* A directory slot; free when inode_sector == 0. NAME holds 1..14 bytes, NUL-padded to
   16, so it is always NUL-terminated. */
struct kfs_dirent {
  char name[16];
  uint32_t inode_sector;
  uint8_t reserved[12]; /* zero */
};

struct kfs_extent {
  uint32_t start; /* first sector */
  uint32_t count; /* number of sectors, > 0 */
};

struct kfs_inode {
  char magic[4];       /* KFS_INODE_MAGIC, no NUL */
  uint32_t length;     /* bytes */
  uint32_t extent_cnt; /* used entries of EXTENTS */
  uint32_t reserved;   /* zero */
  struct kfs_extent extents[KFS_EXTENT_MAX];
};

#define KFS_DIRENTS_PER_SECTOR (KFS_SECTOR_SIZE / sizeof(struct kfs_dirent))
#define KFS_BITS_PER_SECTOR    (KFS_SECTOR_SIZE * 8)

_Static_assert(sizeof(struct kfs_super) == KFS_SECTOR_SIZE, "superblock is one sector");
_Static_assert(sizeof(struct kfs_dirent) == 32, "directory entry is 32 bytes");
_Static_assert(sizeof(struct kfs_inode) == KFS_SECTOR_SIZE, "inode is one sector");

#endif
