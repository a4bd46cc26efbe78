#ifndef USERPROG_PROCESS_H
#define USERPROG_PROCESS_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/kernel/list.h"
#include "threads/interrupt.h"
#include "threads/synch.h"
#include "threads/thread.h"
#include "vm/vm.h"

/* Descriptor-table size: fds 0..PROCESS_FD_MAX-1 (open/dup2 beyond fail with -1). */
#define PROCESS_FD_MAX 128
/* Longest kept process name (first word of the command line, or the fork name). */
#define PROCESS_NAME_MAX 31
/* Longest command line in bytes, not counting the NUL (ABI section 2). */
#define PROCESS_CMDLINE_MAX 128

/* What an fd refers to. Several fds (dup2) share one open file: same position. */
enum ofile_kind { OFILE_STDIN, OFILE_STDOUT, OFILE_FILE };
struct ofile {
  enum ofile_kind kind;
  int refs;          /* fds of this process pointing here */
  struct file *file; /* OFILE_FILE only */
};

/* Exit record shared by a child and its parent (or the kernel for the first process).
   Freed by whichever of the two lets go last, so orphans and unwaited children both
   clean up. Guarded by the process lock. */
struct process_record {
  tid_t tid;
  int status;
  int refs;
  bool waited_by_user; /* a user process waits for it: Ctrl-C ends it (console_interrupt.c) */
  bool interrupted;    /* Ctrl-C came while it was in the foreground */
  struct semaphore exited;
  struct list_elem elem; /* parent's children list */
};

/* A user process: exactly one thread runs it (thread->process points here). */
struct process {
  char name[PROCESS_NAME_MAX + 1];
  struct thread *thread;
  struct process_record *record; /* own exit record, shared with the parent */
  struct list children;          /* process_record of each live or unwaited child */
  struct vm_space *space;        /* address space, executable, mappings */
  struct ofile *fds[PROCESS_FD_MAX];
  struct vm_counters faults; /* this process's page faults (pfstat) */
  uint8_t *bounce;           /* one kernel page for user<->file transfers */
  struct intr_frame start;   /* user registers the thread starts with */
  uint8_t fpu[512];          /* FXSAVE image the thread starts with (fork) */
  bool fpu_valid;
};

/* Starts the first user process running CMDLINE ("PROG ARGS", at most 128 bytes). The
   program is loaded in the new thread; if loading fails that process prints
   "PROG: exit(-1)" and its wait status is -1. Returns its tid, or TID_ERROR if it could
   not even be created (command line too long, out of memory). */
tid_t process_create_initd(const char *cmdline);

/* Waits for child TID of the current thread (the kernel's children when called from a
   kernel thread) to exit; returns its exit status, or -1 if TID is not a direct child,
   was already waited for, or is invalid. */
int process_wait(tid_t tid);

/* Ends the current process with STATUS: prints "NAME: exit(STATUS)", releases every page,
   frame, file and child record, wakes the parent. Never returns. */
void process_exit(int status) __attribute__((noreturn));

/* Ends the current process with exit(-1) for a fault of its own. F is the user frame of a
   CPU exception (FAULT_ADDR its CR2 for a page fault), or NULL for a system call handed a
   bad pointer, string or call number. With the kernel option -v a line
   "NAME: killed: REASON" (access kind, address, rip) comes before the exit line; without it
   the console is exactly process_exit's. Never returns. */
void process_kill(const struct intr_frame *f, uint64_t fault_addr) __attribute__((noreturn));

/* Forks the current process: NAME (kernel string) names the child, F holds the parent's
   user registers at the system call. Returns the child's tid, or TID_ERROR. */
tid_t process_fork(const char *name, const struct intr_frame *f);

/* Replaces the current program by CMDLINE (kernel string). On success F is rewritten to
   enter the new program. On any failure to load (missing or malformed file, command line
   too long, memory short) the process ends with exit(-1) keeping its name (ABI 1: exec
   never returns -1); the half-built address space is released first. */
void process_exec(const char *cmdline, struct intr_frame *f);

/* Waits until every process (orphans included) has exited and released its pages, so that
   power-off statistics see no memory of a process still running. */
void process_wait_all(void);

/* Initialises the process lock and the kernel's child list. Called by syscall_init. */
void process_init(void);

/* Current thread's process, or NULL for a kernel thread. */
struct process *process_current(void);

#endif
