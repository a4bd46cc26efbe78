#ifndef USERPROG_FDTABLE_H
#define USERPROG_FDTABLE_H

#include <stdbool.h>
#include "userprog/process.h"

/* Per-process descriptor table: fds 0..PROCESS_FD_MAX-1, each NULL or pointing to a
   shared struct ofile (dup2 makes several fds share one). Only the owning thread touches
   its table, except fork, which reads the parent's while the parent is in the call. */

/* Gives P fd 0 = console input and fd 1 = console output. False if out of memory. */
bool fdtable_init_console(struct process *p);
/* Gives C (empty table) a copy of P's table: same fds, sharing preserved, each file
   duplicated (file_duplicate: same position, same write denial). False if out of memory. */
bool fdtable_copy(struct process *c, const struct process *p);
/* Closes every fd of P. */
void fdtable_close_all(struct process *p);

/* Open file at FD, or NULL if FD is out of range or closed. */
struct ofile *fdtable_get(struct process *p, int fd);
/* The file-system file open at FD, or NULL if FD is not open or is the console. */
struct file *fdtable_get_file(struct process *p, int fd);
/* Installs FILE at the lowest free fd; returns it, or -1 (FILE is then closed) if the table
   is full or memory is short. */
int fdtable_install(struct process *p, struct file *file);
/* Closes FD; no effect if it is not open. */
void fdtable_close(struct process *p, int fd);
/* ABI dup2: makes NEWFD refer to OLDFD's open file (closing NEWFD first). Returns NEWFD, or
   -1 if OLDFD is not open or NEWFD is out of range. */
int fdtable_dup2(struct process *p, int oldfd, int newfd);

#endif
