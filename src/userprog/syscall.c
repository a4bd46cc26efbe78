/* System-call dispatch (ABI section 1). Arguments arrive in rdi, rsi, rdx, r10, r8 of the
   frame built by syscall-entry.S; the result goes back in rax. User memory is only ever
   touched through uaccess.h; a bad pointer kills the caller with exit(-1) after the call
   has released whatever it held. */

#include "userprog/syscall.h"
#include <stdint.h>
#include "devices/input.h"
#include "filesys/filesys.h"
#include "lib/kernel/console.h"
#include "lib/string.h"
#include "lib/syscall-nr.h"
#include "threads/gdt.h"
#include "threads/interrupt.h"
#include "userprog/console_interrupt.h"
#include "threads/palloc.h"
#include "threads/shutdown.h"
#include "threads/thread.h"
#include "threads/vaddr.h"
#include "userprog/fdtable.h"
#include "userprog/process.h"
#include "userprog/uaccess.h"
#include "vm/vm.h"

void syscall_entry(void);
void syscall_handler(struct intr_frame *f);

#define MSR_EFER   0xC0000080
#define MSR_STAR   0xC0000081
#define MSR_LSTAR  0xC0000082
#define MSR_SFMASK 0xC0000084
#define EFER_SCE   0x1
/* RFLAGS bits cleared on SYSCALL (ABI 1): TF, IF, DF, IOPL, NT, AC. */
#define SYSCALL_FLAG_MASK (0x100 | 0x200 | 0x400 | 0x3000 | 0x4000 | 0x40000)

static uint64_t msr_read(uint32_t msr)
{
  uint32_t lo, hi;
  __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return ((uint64_t)hi << 32) | lo;
}

static void msr_write(uint32_t msr, uint64_t v)
{
  __asm__ volatile("wrmsr" : : "a"((uint32_t)v), "d"((uint32_t)(v >> 32)), "c"(msr));
}

/* Programs SYSCALL/SYSRET (Intel SDM vol. 3, 5.8.8; vol. 2, SYSCALL): STAR[47:32] = kernel
   CS (SS = CS + 8), STAR[63:48] = base for SYSRET to 64-bit mode (CS = base + 16 = 0x23,
   SS = base + 8 = 0x1B, RPL forced to 3), LSTAR = entry point, SFMASK = flags to clear. */
void syscall_init(void)
{
  process_init();
  msr_write(MSR_EFER, msr_read(MSR_EFER) | EFER_SCE);
  msr_write(MSR_STAR, ((uint64_t)SEL_KDSEG << 48) | ((uint64_t)SEL_KCSEG << 32));
  msr_write(MSR_LSTAR, (uint64_t)syscall_entry);
  msr_write(MSR_SFMASK, SYSCALL_FLAG_MASK);
}

/* Kills the caller: a bad pointer, string or call number (ABI 1). */
static void __attribute__((noreturn)) syscall_kill(void) { process_kill(NULL, 0); }

/* Copies user string USTR into the process's bounce page; returns its length. Kills the
   caller on a bad address; a string longer than a page yields PGSIZE (no NUL). */
static size_t copy_string_arg(struct process *p, uint64_t ustr)
{
  int64_t n = uaccess_copy_string((char *)p->bounce, (const char *)ustr, PGSIZE);
  if (n < 0)
    syscall_kill();
  return (size_t)n;
}

/* True if [BUF, BUF+N) is plausibly user memory: in user space, not wrapping, not in page
   0. The page-by-page copy finds any remaining hole. */
static bool buffer_plausible(uint64_t buf, uint64_t n)
{
  return n == 0 || (buf >= PGSIZE && buf + n >= buf && buf + n <= KERN_BASE);
}

/* ABI write. Needs: P the caller. Guarantees: returns the bytes written (-1 for a bad fd
   or stdin); a console write of up to N bytes is one console_write call (gathered into
   the bounce page, or a multi-page buffer when larger, falling back to page-sized pieces
   only if that cannot be had); file writes go page by page through the bounce page, so
   no file-system lock is held while user memory is touched. Kills on a bad buffer. */
static int64_t sys_write(struct process *p, int fd, uint64_t ubuf, uint32_t n)
{
  struct ofile *o = fdtable_get(p, fd);
  if (!buffer_plausible(ubuf, n))
    syscall_kill();
  if (o == NULL || o->kind == OFILE_STDIN)
    return -1;
  if (o->kind == OFILE_STDOUT) {
    /* One call is one console write: gather the whole buffer first. */
    size_t pages = (n + PGSIZE - 1) / PGSIZE;
    uint8_t *kbuf = pages <= 1 ? p->bounce : palloc_get_multiple(0, pages);
    if (kbuf != NULL) {
      bool ok = uaccess_copy_in(kbuf, (const void *)ubuf, n);
      if (ok)
        console_write((const char *)kbuf, n);
      if (kbuf != p->bounce)
        palloc_free_multiple(kbuf, pages);
      if (!ok)
        syscall_kill();
      return n;
    }
    for (uint32_t done = 0; done < n;) {
      uint32_t chunk = n - done < PGSIZE ? n - done : PGSIZE;
      if (!uaccess_copy_in(p->bounce, (const void *)(ubuf + done), chunk))
        syscall_kill();
      console_write((const char *)p->bounce, chunk);
      done += chunk;
    }
    return n;
  }
  uint32_t done = 0;
  while (done < n) {
    uint32_t chunk = n - done < PGSIZE ? n - done : PGSIZE;
    if (!uaccess_copy_in(p->bounce, (const void *)(ubuf + done), chunk))
      syscall_kill();
    off_t w = file_write(o->file, p->bounce, (off_t)chunk);
    if (w > 0)
      done += (uint32_t)w;
    if ((uint32_t)w < chunk)
      break;
  }
  return done;
}

/* ABI read. Needs: P the caller. Guarantees: returns the bytes read (-1 for a bad fd or
   stdout); data moves page by page: file (or keyboard) into the bounce page, then one
   copy out to the user buffer. Kills on a bad buffer, even at end of file: the part of
   the last page-sized piece that no data filled is checked for writability too, so a
   read of 0 bytes into an unmapped or read-only buffer kills (cost: at most two pages). */
static int64_t sys_read(struct process *p, int fd, uint64_t ubuf, uint32_t n)
{
  struct ofile *o = fdtable_get(p, fd);
  if (!buffer_plausible(ubuf, n))
    syscall_kill();
  if (o == NULL || o->kind == OFILE_STDOUT)
    return -1;
  uint32_t done = 0;
  while (done < n) {
    uint32_t chunk = n - done < PGSIZE ? n - done : PGSIZE;
    uint32_t got;
    if (o->kind == OFILE_STDIN) {
      for (got = 0; got < chunk; got++)
        p->bounce[got] = input_getc();
    } else {
      off_t r = file_read(o->file, p->bounce, (off_t)chunk);
      got = r > 0 ? (uint32_t)r : 0;
    }
    if (!uaccess_copy_out((void *)(ubuf + done), p->bounce, got))
      syscall_kill();
    if (got < chunk && !uaccess_check_writable((void *)(ubuf + done + got), chunk - got))
      syscall_kill();
    done += got;
    if (got < chunk)
      break;
  }
  return done;
}

/* ABI mmap: NULL (0) unless FD is an open file and the range is acceptable (vm_mmap). */
static int64_t sys_mmap(struct process *p, uint64_t addr, uint64_t len, int writable, int fd,
                        int ofs)
{
  struct ofile *o = fdtable_get(p, fd);
  if (o == NULL || o->kind != OFILE_FILE)
    return 0;
  return (int64_t)(uint64_t)vm_mmap(p->space, (void *)addr, len, writable != 0, o->file,
                                    (off_t)ofs);
}

/* pfstat (number 64): copies the caller's fault counters out. Kills on a bad pointer. */
static int64_t sys_pfstat(struct process *p, uint64_t uout)
{
  const uint64_t *n = p->faults.n;
  struct pfstat s = {
      .total = (long)n[VM_PF_TOTAL],
      .file = (long)n[VM_PF_FILE],
      .zero = (long)n[VM_PF_ZERO],
      .stack = (long)n[VM_PF_STACK],
      .swapin = (long)n[VM_PF_SWAPIN],
      .wp = (long)n[VM_PF_WP],
      .invalid = (long)n[VM_PF_INVALID],
      .major = (long)n[VM_PF_MAJOR],
      .minor = (long)n[VM_PF_MINOR],
      .wp_copy = (long)n[VM_PF_WP_COPY],
      .wp_reuse = (long)n[VM_PF_WP_REUSE],
      .fork_copied = (long)n[VM_FORK_COPIED],
      .inherit = (long)n[VM_PF_INHERIT],
  };
  if (!uaccess_copy_out((void *)uout, &s, sizeof s))
    syscall_kill();
  return 0;
}

/* listdir (number 65): the next root-directory name at or after CURSOR into the user's
   NAME (FILESYS_NAME_MAX + 1 bytes, only the name and its NUL are written); returns the
   next cursor, or 0 at the end. Kills on a bad NAME pointer when there is a name to store. */
static int64_t sys_listdir(uint32_t cursor, uint64_t uname)
{
  char name[FILESYS_NAME_MAX + 1];
  uint32_t next = filesys_list(cursor, name);
  if (next != 0 && !uaccess_copy_out((void *)uname, name, strlen(name) + 1))
    syscall_kill();
  return next;
}

/* Needs: called from syscall-entry.S on the current thread's kernel stack, interrupts
   off, F the caller's user registers. Guarantees: F->R.rax holds the result (or F was
   rewritten by exec); the caller may have been killed instead (no return then). */
void syscall_handler(struct intr_frame *f)
{
  struct thread *t = thread_current();
  t->user_rsp = f->rsp;
  intr_enable();
  struct process *p = t->process;
  uint64_t a1 = f->R.rdi, a2 = f->R.rsi, a3 = f->R.rdx, a4 = f->R.r10, a5 = f->R.r8;
  int64_t ret = 0;
  switch (f->R.rax) {
  case SYS_HALT:
    shutdown_power_off();
  case SYS_EXIT:
    process_exit((int)a1);
  case SYS_FORK: {
    size_t n = copy_string_arg(p, a1);
    p->bounce[n < PROCESS_NAME_MAX ? n : PROCESS_NAME_MAX] = '\0';
    ret = process_fork((const char *)p->bounce, f);
    break;
  }
  case SYS_EXEC: {
    if (copy_string_arg(p, a1) > PROCESS_CMDLINE_MAX)
      syscall_kill();
    process_exec((const char *)p->bounce, f);
    ret = 0;
    break;
  }
  case SYS_WAIT:
    ret = process_wait((tid_t)a1);
    break;
  case SYS_CREATE:
    ret = copy_string_arg(p, a1) < PGSIZE && filesys_create((const char *)p->bounce, (uint32_t)a2);
    break;
  case SYS_REMOVE:
    ret = copy_string_arg(p, a1) < PGSIZE && filesys_remove((const char *)p->bounce);
    break;
  case SYS_OPEN: {
    struct file *file = NULL;
    if (copy_string_arg(p, a1) < PGSIZE)
      file = filesys_open((const char *)p->bounce);
    ret = file != NULL ? fdtable_install(p, file) : -1;
    break;
  }
  case SYS_FILESIZE: {
    struct ofile *o = fdtable_get(p, (int)a1);
    ret = o != NULL && o->kind == OFILE_FILE ? file_length(o->file) : -1;
    break;
  }
  case SYS_READ:
    ret = sys_read(p, (int)a1, a2, (uint32_t)a3);
    break;
  case SYS_WRITE:
    ret = sys_write(p, (int)a1, a2, (uint32_t)a3);
    break;
  case SYS_SEEK: {
    struct ofile *o = fdtable_get(p, (int)a1);
    if (o != NULL && o->kind == OFILE_FILE)
      file_seek(o->file, (uint32_t)a2 > 0x7fffffff ? 0x7fffffff : (off_t)(uint32_t)a2);
    break;
  }
  case SYS_TELL: {
    struct ofile *o = fdtable_get(p, (int)a1);
    ret = o != NULL && o->kind == OFILE_FILE ? file_tell(o->file) : -1;
    break;
  }
  case SYS_CLOSE:
    fdtable_close(p, (int)a1);
    break;
  case SYS_MMAP:
    ret = sys_mmap(p, a1, a2, (int)a3, (int)a4, (int)a5);
    break;
  case SYS_MUNMAP:
    vm_munmap(p->space, (void *)a1);
    break;
  case SYS_CHDIR:
  case SYS_MKDIR:
  case SYS_READDIR:
  case SYS_ISDIR:
    ret = 0;
    break;
  case SYS_INUMBER:
  case SYS_SYMLINK:
  case SYS_MOUNT:
  case SYS_UMOUNT:
    ret = -1;
    break;
  case SYS_DUP2:
    ret = fdtable_dup2(p, (int)a1, (int)a2);
    break;
  case SYS_PFSTAT:
    ret = sys_pfstat(p, a1);
    break;
  case SYS_LISTDIR:
    ret = sys_listdir((uint32_t)a1, a2);
    break;
  default:
    syscall_kill();
  }
  f->R.rax = (uint64_t)ret;
  console_interrupt_check();
}
