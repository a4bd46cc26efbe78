#ifndef FILESYS_FILE_H
#define FILESYS_FILE_H

#include <stdbool.h>
#include <stdint.h>

typedef int32_t off_t;

/* An open file: one handle onto a shared in-memory inode, with its own position.
   Different handles (even on one inode) may be used by different threads at once; one
   handle is used by one thread at a time. Buffers are kernel addresses. */
struct file;

/* New handle on the same inode as FILE, at position 0, allowing writes. NULL on
   memory shortage. */
struct file *file_reopen(struct file *file);

/* Copy of FILE for fork: same inode, same position, and if FILE denies writes to the
   inode the copy denies them too (until it is closed or allowed). NULL on memory
   shortage. */
struct file *file_duplicate(struct file *file);

/* Closes FILE (NULL is ignored): lifts its write denial, and frees the inode when this was
   the last handle of a removed file. */
void file_close(struct file *file);

/* Reads up to SIZE bytes at the position and advances it; returns the count read, which
   is short (or 0) at end of file. */
off_t file_read(struct file *file, void *buf, off_t size);

/* Reads up to SIZE bytes at offset OFS; the position is unchanged. */
off_t file_read_at(struct file *file, void *buf, off_t size, off_t ofs);

/* Writes SIZE bytes at the position and advances it past them. A write ending past the
   end of file grows the file (the tests of src/tests/userprog rely on it: create(name, 0)
   then write); a gap between the old end and the position reads as zeros. Returns the
   count written: SIZE unless the disk is full (then fewer, possibly 0), and 0 while writes
   to the inode are denied. */
off_t file_write(struct file *file, const void *buf, off_t size);

/* As file_write, at offset OFS; the position is unchanged. */
off_t file_write_at(struct file *file, const void *buf, off_t size, off_t ofs);

/* Refuses writes to FILE's inode through every handle until this handle allows them
   again or is closed (used for running executables). Idempotent per handle. */
void file_deny_write(struct file *file);

/* Undoes this handle's file_deny_write; no effect if it did not deny. */
void file_allow_write(struct file *file);

/* Sets the position to POS. Any value is kept as is (file_tell returns it). Reads at or
   past the end of file return 0; a write there grows the file. At negative positions
   (an unsigned user offset above INT32_MAX) reads and writes transfer 0 bytes. */
void file_seek(struct file *file, off_t pos);

/* Current position. */
off_t file_tell(struct file *file);

/* Size of the file in bytes. */
off_t file_length(struct file *file);

/* True if A and B are handles on the same inode. */
bool file_same_inode(const struct file *a, const struct file *b);

/* Inode number of FILE (stable while the file exists). */
uint32_t file_inumber(const struct file *file);

#endif
