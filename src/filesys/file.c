#include "filesys/file.h"
#include "filesys/inode.h"
#include "lib/debug.h"
#include "threads/malloc.h"
#include "threads/synch.h"

/* A handle is used by one thread at a time (its process); the inode underneath is shared
   and locked by inode.c. */
struct file {
  struct inode *inode;
  off_t pos;
  bool deny_write; /* this handle called inode_deny_write */
};

struct file *file_open_inode(struct inode *inode)
{
  struct file *file = malloc(sizeof *file);
  if (file == NULL)
    return NULL;
  file->inode = inode;
  file->pos = 0;
  file->deny_write = false;
  return file;
}

/* New handle on FILE's inode at POS, denying writes if DENY. NULL if memory is short. */
static struct file *file_open_copy(struct file *file, off_t pos, bool deny)
{
  struct file *copy = malloc(sizeof *copy);
  if (copy == NULL)
    return NULL;
  lock_acquire(&filesys_ns_lock);
  copy->inode = inode_reopen(file->inode);
  lock_release(&filesys_ns_lock);
  copy->pos = pos;
  copy->deny_write = false;
  if (deny)
    file_deny_write(copy);
  return copy;
}

struct file *file_reopen(struct file *file) { return file_open_copy(file, 0, false); }

struct file *file_duplicate(struct file *file)
{
  return file_open_copy(file, file->pos, file->deny_write);
}

void file_close(struct file *file)
{
  if (file == NULL)
    return;
  file_allow_write(file);
  lock_acquire(&filesys_ns_lock);
  inode_close(file->inode);
  lock_release(&filesys_ns_lock);
  free(file);
}

off_t file_read(struct file *file, void *buf, off_t size)
{
  off_t n = inode_read_at(file->inode, buf, size, file->pos);
  file->pos += n;
  return n;
}

off_t file_read_at(struct file *file, void *buf, off_t size, off_t ofs)
{
  return inode_read_at(file->inode, buf, size, ofs);
}

off_t file_write(struct file *file, const void *buf, off_t size)
{
  off_t n = inode_write_at(file->inode, buf, size, file->pos);
  file->pos += n;
  return n;
}

off_t file_write_at(struct file *file, const void *buf, off_t size, off_t ofs)
{
  return inode_write_at(file->inode, buf, size, ofs);
}

void file_deny_write(struct file *file)
{
  if (!file->deny_write) {
    file->deny_write = true;
    inode_deny_write(file->inode);
  }
}

void file_allow_write(struct file *file)
{
  if (file->deny_write) {
    file->deny_write = false;
    inode_allow_write(file->inode);
  }
}

void file_seek(struct file *file, off_t pos) { file->pos = pos; }

off_t file_tell(struct file *file) { return file->pos; }

off_t file_length(struct file *file) { return inode_length(file->inode); }

bool file_same_inode(const struct file *a, const struct file *b) { return a->inode == b->inode; }

uint32_t file_inumber(const struct file *file) { return inode_get_sector(file->inode); }
