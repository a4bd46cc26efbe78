#ifndef LIB_SYSCALL_NR_H
#define LIB_SYSCALL_NR_H

/* System call numbers of the user ABI (docs/abi.md section 1). */
enum {
  SYS_HALT = 0,
  SYS_EXIT = 1,
  SYS_FORK = 2,
  SYS_EXEC = 3,
  SYS_WAIT = 4,
  SYS_CREATE = 5,
  SYS_REMOVE = 6,
  SYS_OPEN = 7,
  SYS_FILESIZE = 8,
  SYS_READ = 9,
  SYS_WRITE = 10,
  SYS_SEEK = 11,
  SYS_TELL = 12,
  SYS_CLOSE = 13,
  SYS_MMAP = 14,
  SYS_MUNMAP = 15,
  SYS_CHDIR = 16,
  SYS_MKDIR = 17,
  SYS_READDIR = 18,
  SYS_ISDIR = 19,
  SYS_INUMBER = 20,
  SYS_SYMLINK = 21,
  SYS_DUP2 = 22,
  SYS_MOUNT = 23,
  SYS_UMOUNT = 24,
  /* Kestrel extension: read the caller's page-fault counters. */
  SYS_PFSTAT = 64,
  /* Kestrel extension: list the root directory, one name per call. */
  SYS_LISTDIR = 65,
};

/* Filled by SYS_PFSTAT. Fields are only ever appended. */
struct pfstat {
  long total, file, zero, stack, swapin, wp, invalid;
  long major, minor;      /* faults that read a disk (file, swap-in) / that did not */
  long wp_copy, wp_reuse; /* write-protect faults that copied the frame / took it back */
  long fork_copied;       /* frames this process copied at its forks */
  long inherit;           /* faults that mapped a page inherited at a lazy fork */
};

#endif
