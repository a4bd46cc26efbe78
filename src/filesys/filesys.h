#ifndef FILESYS_FILESYS_H
#define FILESYS_FILESYS_H

#include <stdbool.h>
#include <stdint.h>
#include "filesys/file.h"

/* Longest file name in bytes, not counting the terminating NUL (ABI section 5). */
#define FILESYS_NAME_MAX 14

/* Mounts the file system on the BLOCK_FILESYS disk. Reads and checks the superblock and
   loads the free map; writes nothing. Without a file-system disk, or with an unformatted
   one, a line says so and every later create/open/remove fails. Call once, in thread
   context, before "Boot complete.". */
void filesys_init(void);

/* Writes back everything still dirty and releases the pages taken by filesys_init.
   Call once at power-off, after the last user process is gone. */
void filesys_done(void);

/* Creates NAME (NUL-terminated kernel string) with INITIAL_SIZE zero bytes. False if the
   name is empty or longer than FILESYS_NAME_MAX bytes, already exists, or the disk, the
   inode table or the directory is full. */
bool filesys_create(const char *name, uint32_t initial_size);

/* Opens NAME; returns a new handle positioned at 0, or NULL if it does not exist, the
   name is invalid, or memory is short. Close it with file_close. */
struct file *filesys_open(const char *name);

/* Removes NAME from the directory. Handles already open keep working; the inode and its
   sectors are freed when the last one closes. False if NAME does not exist. */
bool filesys_remove(const char *name);

/* Directory listing: stores in NAME (FILESYS_NAME_MAX + 1 bytes) the name of the first
   file whose directory slot is at or after CURSOR and returns the cursor of the next one
   (always > CURSOR); returns 0 with NAME untouched when no file is left. Start with 0.
   A listing taken while files are created or removed sees each file at most once. */
uint32_t filesys_list(uint32_t cursor, char *name);

#endif
