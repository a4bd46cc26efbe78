#ifndef DEVICES_BLOCK_H
#define DEVICES_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#define BLOCK_SECTOR_SIZE 512
typedef uint32_t block_sector_t;

/* Roles by position: hd0:0 boot, hd0:1 file system, hd1:0 scratch, hd1:1 swap. */
enum block_role { BLOCK_BOOT, BLOCK_FILESYS, BLOCK_SCRATCH, BLOCK_SWAP, BLOCK_ROLE_CNT };

struct block;

/* Most sectors one driver call moves: a page. */
#define BLOCK_MAX_SECTORS 8

/* A driver moves COUNT (1..BLOCK_MAX_SECTORS) consecutive sectors from SECTOR on. */
struct block_operations {
  void (*read)(void *aux, block_sector_t sector, unsigned count, void *buf);
  void (*write)(void *aux, block_sector_t sector, unsigned count, const void *buf);
};

/* Device for ROLE, or NULL if that disk is absent. */
struct block *block_get_role(enum block_role);
block_sector_t block_size(struct block *);
const char *block_name(struct block *);
/* Read/write one 512-byte sector; SECTOR must be < block_size(). Thread context only
   (may sleep). The device serialises concurrent callers. */
void block_read(struct block *, block_sector_t, void *buf);
void block_write(struct block *, block_sector_t, const void *buf);
/* Read/write COUNT (1..BLOCK_MAX_SECTORS) consecutive sectors from SECTOR on, which must all
   be < block_size(), in as few device commands as the driver can (one, unless fault
   injection drops some). Same context rules as block_read. */
void block_read_sectors(struct block *, block_sector_t sector, unsigned count, void *buf);
void block_write_sectors(struct block *, block_sector_t sector, unsigned count, const void *buf);
/* Called by drivers. */
struct block *block_register(const char *name, enum block_role, block_sector_t size,
                             const struct block_operations *, void *aux);
void block_print_stats(void);
/* Appends " hd0_0_r=N hd0_0_w=N ..." for every device to BUF (counts of sectors). */
void block_format_stats(char *buf, size_t size);

#endif
