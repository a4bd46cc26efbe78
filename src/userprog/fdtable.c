#include "userprog/fdtable.h"
#include "filesys/file.h"
#include "threads/malloc.h"

static struct ofile *ofile_new(enum ofile_kind kind, struct file *file)
{
  struct ofile *o = malloc(sizeof *o);
  if (o != NULL) {
    o->kind = kind;
    o->refs = 0;
    o->file = file;
  }
  return o;
}

/* Drops one fd's reference to O; the last one closes the file. */
static void ofile_release(struct ofile *o)
{
  if (--o->refs == 0) {
    file_close(o->file);
    free(o);
  }
}

bool fdtable_init_console(struct process *p)
{
  struct ofile *in = ofile_new(OFILE_STDIN, NULL), *out = ofile_new(OFILE_STDOUT, NULL);
  if (in == NULL || out == NULL) {
    free(in);
    free(out);
    return false;
  }
  in->refs = out->refs = 1;
  p->fds[0] = in;
  p->fds[1] = out;
  return true;
}

bool fdtable_copy(struct process *c, const struct process *p)
{
  for (int i = 0; i < PROCESS_FD_MAX; i++) {
    struct ofile *po = p->fds[i];
    if (po == NULL || c->fds[i] != NULL)
      continue;
    struct file *f = NULL;
    if (po->kind == OFILE_FILE && (f = file_duplicate(po->file)) == NULL)
      return false;
    struct ofile *co = ofile_new(po->kind, f);
    if (co == NULL) {
      file_close(f);
      return false;
    }
    co->refs = 1;
    c->fds[i] = co;
    for (int j = i + 1; j < PROCESS_FD_MAX && co->refs < po->refs; j++)
      if (p->fds[j] == po) {
        c->fds[j] = co;
        co->refs++;
      }
  }
  return true;
}

void fdtable_close_all(struct process *p)
{
  for (int i = 0; i < PROCESS_FD_MAX; i++)
    fdtable_close(p, i);
}

struct ofile *fdtable_get(struct process *p, int fd)
{
  return fd >= 0 && fd < PROCESS_FD_MAX ? p->fds[fd] : NULL;
}

struct file *fdtable_get_file(struct process *p, int fd)
{
  struct ofile *o = fdtable_get(p, fd);
  return o != NULL && o->kind == OFILE_FILE ? o->file : NULL;
}

int fdtable_install(struct process *p, struct file *file)
{
  for (int fd = 0; fd < PROCESS_FD_MAX; fd++)
    if (p->fds[fd] == NULL) {
      struct ofile *o = ofile_new(OFILE_FILE, file);
      if (o == NULL)
        break;
      o->refs = 1;
      p->fds[fd] = o;
      return fd;
    }
  file_close(file);
  return -1;
}

void fdtable_close(struct process *p, int fd)
{
  struct ofile *o = fdtable_get(p, fd);
  if (o != NULL) {
    p->fds[fd] = NULL;
    ofile_release(o);
  }
}

int fdtable_dup2(struct process *p, int oldfd, int newfd)
{
  struct ofile *o = fdtable_get(p, oldfd);
  if (o == NULL || newfd < 0 || newfd >= PROCESS_FD_MAX)
    return -1;
  if (oldfd == newfd)
    return newfd;
  o->refs++;
  fdtable_close(p, newfd);
  p->fds[newfd] = o;
  return newfd;
}
