/* System-call stubs: number in rax, arguments in rdi, rsi, rdx, r10, r8, r9, result in
   rax (ABI section 1). `syscall` itself clobbers rcx and r11. `int` arguments are passed
   sign-extended and `unsigned` ones zero-extended by the casts to long below. */

#include "syscall.h"

static inline long syscall_invoke0(long nr)
{
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(nr) : "rcx", "r11", "memory");
  return ret;
}

static inline long syscall_invoke1(long nr, long a1)
{
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a1) : "rcx", "r11", "memory");
  return ret;
}

static inline long syscall_invoke2(long nr, long a1, long a2)
{
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a1), "S"(a2) : "rcx", "r11", "memory");
  return ret;
}

static inline long syscall_invoke3(long nr, long a1, long a2, long a3)
{
  long ret;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(nr), "D"(a1), "S"(a2), "d"(a3)
                   : "rcx", "r11", "memory");
  return ret;
}

static inline long syscall_invoke5(long nr, long a1, long a2, long a3, long a4, long a5)
{
  long ret;
  register long r10 __asm__("r10") = a4;
  register long r8 __asm__("r8") = a5;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8)
                   : "rcx", "r11", "memory");
  return ret;
}

void halt(void)
{
  syscall_invoke0(SYS_HALT);
  for (;;)
    continue;
}

void exit(int status)
{
  syscall_invoke1(SYS_EXIT, (long)status);
  for (;;)
    continue;
}

pid_t fork(const char *name) { return (pid_t)syscall_invoke1(SYS_FORK, (long)name); }

int exec(const char *cmdline) { return (int)syscall_invoke1(SYS_EXEC, (long)cmdline); }

int wait(pid_t pid) { return (int)syscall_invoke1(SYS_WAIT, (long)pid); }

bool create(const char *file, unsigned initial_size)
{
  return syscall_invoke2(SYS_CREATE, (long)file, (long)(unsigned long)initial_size) != 0;
}

bool remove(const char *file) { return syscall_invoke1(SYS_REMOVE, (long)file) != 0; }

int open(const char *file) { return (int)syscall_invoke1(SYS_OPEN, (long)file); }

int filesize(int fd) { return (int)syscall_invoke1(SYS_FILESIZE, (long)fd); }

int read(int fd, void *buffer, unsigned size)
{
  return (int)syscall_invoke3(SYS_READ, (long)fd, (long)buffer, (long)(unsigned long)size);
}

int write(int fd, const void *buffer, unsigned size)
{
  return (int)syscall_invoke3(SYS_WRITE, (long)fd, (long)buffer, (long)(unsigned long)size);
}

void seek(int fd, unsigned position)
{
  syscall_invoke2(SYS_SEEK, (long)fd, (long)(unsigned long)position);
}

unsigned tell(int fd) { return (unsigned)syscall_invoke1(SYS_TELL, (long)fd); }

void close(int fd) { syscall_invoke1(SYS_CLOSE, (long)fd); }

int dup2(int oldfd, int newfd) { return (int)syscall_invoke2(SYS_DUP2, (long)oldfd, (long)newfd); }

void *mmap(void *addr, size_t length, int writable, int fd, off_t offset)
{
  return (void *)syscall_invoke5(SYS_MMAP, (long)addr, (long)length, (long)writable, (long)fd,
                                 (long)offset);
}

void munmap(void *addr) { syscall_invoke1(SYS_MUNMAP, (long)addr); }

bool chdir(const char *dir) { return syscall_invoke1(SYS_CHDIR, (long)dir) != 0; }

bool mkdir(const char *dir) { return syscall_invoke1(SYS_MKDIR, (long)dir) != 0; }

bool readdir(int fd, char name[NAME_MAX + 1])
{
  return syscall_invoke2(SYS_READDIR, (long)fd, (long)name) != 0;
}

bool isdir(int fd) { return syscall_invoke1(SYS_ISDIR, (long)fd) != 0; }

int inumber(int fd) { return (int)syscall_invoke1(SYS_INUMBER, (long)fd); }

int symlink(const char *target, const char *linkpath)
{
  return (int)syscall_invoke2(SYS_SYMLINK, (long)target, (long)linkpath);
}

int mount(const char *path, int chan_no, int dev_no)
{
  return (int)syscall_invoke3(SYS_MOUNT, (long)path, (long)chan_no, (long)dev_no);
}

int umount(const char *path) { return (int)syscall_invoke1(SYS_UMOUNT, (long)path); }

int pfstat(struct pfstat *out) { return (int)syscall_invoke1(SYS_PFSTAT, (long)out); }

unsigned listdir(unsigned cursor, char name[NAME_MAX + 1])
{
  return (unsigned)syscall_invoke2(SYS_LISTDIR, (long)(unsigned long)cursor, (long)name);
}

uint64_t frame_of(const void *va)
{
  uint64_t r = (uint64_t)va;
  __asm__ volatile("int $0x42" : "+a"(r) : : "memory");
  return r;
}
