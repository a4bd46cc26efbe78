#ifndef LIB_USER_SYSCALL_H
#define LIB_USER_SYSCALL_H

/* User-side API of the Kestrel system calls (docs/abi.md section 1). Every function
   here is a thin wrapper around one `syscall` instruction (see syscall.c). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/debug.h"
#include "lib/syscall-nr.h"

typedef int pid_t;
#define PID_ERROR ((pid_t)-1)

/* File offsets are 32-bit signed in the user library (ABI section 1). */
typedef int off_t;

/* Maximum file-name length accepted by create (ABI section 5). */
#define NAME_MAX 14
/* Longest command line, terminator included (ABI section 2). */
#define CMDLINE_MAX 128

/* Process control. */
void halt(void) NO_RETURN;
void exit(int status) NO_RETURN;
pid_t fork(const char *name);
int exec(const char *cmdline);
int wait(pid_t pid);

/* Files. */
bool create(const char *file, unsigned initial_size);
bool remove(const char *file);
int open(const char *file);
int filesize(int fd);
int read(int fd, void *buffer, unsigned size);
int write(int fd, const void *buffer, unsigned size);
void seek(int fd, unsigned position);
unsigned tell(int fd);
void close(int fd);
int dup2(int oldfd, int newfd);

/* Memory-mapped files. */
void *mmap(void *addr, size_t length, int writable, int fd, off_t offset);
void munmap(void *addr);

/* File-system project calls (may simply fail on this kernel). */
bool chdir(const char *dir);
bool mkdir(const char *dir);
bool readdir(int fd, char name[NAME_MAX + 1]);
bool isdir(int fd);
int inumber(int fd);
int symlink(const char *target, const char *linkpath);
int mount(const char *path, int chan_no, int dev_no);
int umount(const char *path);

/* Kestrel extension (number 64): copy this process's page-fault counters to *OUT.
   Returns 0. */
int pfstat(struct pfstat *out);

/* Kestrel extension (number 65): directory listing of the flat root directory. Stores the
   name of the next file at or after CURSOR in NAME (NUL-terminated) and returns the cursor
   for the following call (> 0), or returns 0 when no file is left. Start with cursor 0:
       for (unsigned c = 0; (c = listdir(c, name)) != 0;) puts(name); */
unsigned listdir(unsigned cursor, char name[NAME_MAX + 1]);

/* Test introspection trap `int $0x42` (ABI section 3): returns an identifier of the
   physical frame mapped at VA right now (equal for equal frames), or 0 when the page is
   not present. Never faults VA in. */
uint64_t frame_of(const void *va);

#endif
