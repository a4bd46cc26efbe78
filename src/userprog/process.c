/* User processes: creation (first process, fork), program loading (ELF, lazily through the
   VM), exec, wait/exit with shared exit records, and the per-process descriptor table. */

#include "userprog/process.h"
#include "filesys/filesys.h"
#include "lib/debug.h"
#include "lib/stdio.h"
#include "lib/string.h"
#include "threads/malloc.h"
#include "threads/mmu.h"
#include "threads/palloc.h"
#include "threads/vaddr.h"
#include "userprog/fdtable.h"
#include "vm/trace.h"
#include "vm/vm.h"

void syscall_enter_user(const struct intr_frame *f) __attribute__((noreturn));

#define USER_CS     0x23
#define USER_SS     0x1B
#define USER_RFLAGS 0x202

bool process_explain_kills;

/* Guards every process_record (refs, status) and the children lists. */
static struct lock process_lock;
/* Children of kernel threads (the first process, started by the `run` action). */
static struct list kernel_children;
/* Processes allocated and not yet gone (orphans included), changed with interrupts off;
   none_live is raised each time the count drops to zero. */
static unsigned live_cnt;
static struct semaphore none_live;

void process_init(void)
{
  lock_init(&process_lock);
  list_init(&kernel_children);
  sema_init(&none_live, 0);
}

/* One process fewer. Needs: interrupts off (the caller may be about to die). */
static void process_live_leave(void)
{
  ASSERT(intr_get_level() == INTR_OFF && live_cnt > 0);
  if (--live_cnt == 0)
    sema_up(&none_live);
}

void process_wait_all(void)
{
  enum intr_level old = intr_disable();
  while (live_cnt > 0)
    sema_down(&none_live);
  intr_set_level(old);
}

struct process *process_current(void) { return thread_current()->process; }

/* Copies the first word of CMDLINE (space separated) into NAME (PROCESS_NAME_MAX max). */
static void name_from_cmdline(char *name, const char *cmdline)
{
  while (*cmdline == ' ')
    cmdline++;
  size_t n = 0;
  while (cmdline[n] != '\0' && cmdline[n] != ' ' && n < PROCESS_NAME_MAX)
    n++;
  memcpy(name, cmdline, n);
  name[n] = '\0';
}

/* Guarantees: a process with NAME, no address space, no fds, an exit record shared with
   the parent (refs 2) and a bounce page; NULL if out of memory. */
static struct process *process_alloc(const char *name)
{
  struct process *p = malloc(sizeof *p);
  if (p == NULL)
    return NULL;
  memset(p, 0, sizeof *p);
  strlcpy(p->name, name, sizeof p->name);
  list_init(&p->children);
  p->bounce = palloc_get_page(0);
  p->record = malloc(sizeof *p->record);
  if (p->bounce == NULL || p->record == NULL) {
    palloc_free_page(p->bounce);
    free(p->record);
    free(p);
    return NULL;
  }
  p->record->tid = TID_ERROR;
  p->record->status = -1;
  p->record->refs = 2;
  p->record->waited_by_user = p->record->interrupted = false;
  sema_init(&p->record->exited, 0);
  enum intr_level old = intr_disable();
  live_cnt++;
  intr_set_level(old);
  return p;
}

/* Needs: P never ran (not on any list, no children). Guarantees: everything P owns is
   released, its record included. */
static void process_free_unstarted(struct process *p)
{
  fdtable_close_all(p);
  vm_space_destroy(p->space);
  palloc_free_page(p->bounce);
  free(p->record);
  free(p);
  enum intr_level old = intr_disable();
  process_live_leave();
  intr_set_level(old);
}

/* ELF-64 file structures (System V gABI; x86-64 psABI). */
struct elf_ehdr {
  uint8_t e_ident[16];
  uint16_t e_type, e_machine;
  uint32_t e_version;
  uint64_t e_entry, e_phoff, e_shoff;
  uint32_t e_flags;
  uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
} __attribute__((packed));

struct elf_phdr {
  uint32_t p_type, p_flags;
  uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
} __attribute__((packed));

enum { PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_SHLIB = 5 };
#define PF_W          2
#define ELF_MAX_PHDRS 1024

/* Needs: PH read from FILE of length FLEN. Guarantees: true if PH obeys every PT_LOAD rule
   of ABI section 3 and its file bytes lie inside the file. */
static bool elf_segment_ok(const struct elf_phdr *ph, uint64_t flen)
{
  uint64_t vend = ph->p_vaddr + ph->p_memsz;
  return ph->p_offset % PGSIZE == ph->p_vaddr % PGSIZE && ph->p_memsz >= ph->p_filesz &&
         ph->p_vaddr >= PGSIZE && vend >= ph->p_vaddr && vend <= KERN_BASE &&
         ph->p_offset <= flen && ph->p_filesz <= flen - ph->p_offset;
}

/* Needs: S fresh, FILE its executable, SCRATCH a kernel page. Guarantees: true and *ENTRY
   set if FILE is an acceptable executable (ABI section 3), with every PT_LOAD segment
   recorded in S as a lazy range; false if it is malformed or memory is short. Reads only
   the headers. */
static bool elf_load(struct vm_space *s, struct file *file, uint8_t *scratch, uint64_t *entry)
{
  struct elf_ehdr eh;
  uint64_t flen = (uint64_t)file_length(file);
  if (file_read_at(file, &eh, sizeof eh, 0) != sizeof eh)
    return false;
  if (memcmp(eh.e_ident, "\177ELF\2\1\1", 7) != 0 || eh.e_type != 2 || eh.e_machine != 0x3E ||
      eh.e_version != 1 || eh.e_phentsize != sizeof(struct elf_phdr) ||
      eh.e_phnum > ELF_MAX_PHDRS || eh.e_phoff > flen ||
      (uint64_t)eh.e_phnum * sizeof(struct elf_phdr) > flen - eh.e_phoff || eh.e_entry >= KERN_BASE)
    return false;
  const size_t per_read = PGSIZE / sizeof(struct elf_phdr);
  bool any_load = false;
  for (size_t first = 0; first < eh.e_phnum; first += per_read) {
    size_t cnt = eh.e_phnum - first < per_read ? eh.e_phnum - first : per_read;
    off_t bytes = (off_t)(cnt * sizeof(struct elf_phdr));
    if (file_read_at(file, scratch, bytes, (off_t)(eh.e_phoff + first * sizeof(struct elf_phdr))) !=
        bytes)
      return false;
    for (size_t i = 0; i < cnt; i++) {
      struct elf_phdr ph;
      memcpy(&ph, scratch + i * sizeof ph, sizeof ph);
      if (ph.p_type == PT_DYNAMIC || ph.p_type == PT_INTERP || ph.p_type == PT_SHLIB)
        return false;
      if (ph.p_type != PT_LOAD)
        continue;
      if (!elf_segment_ok(&ph, flen))
        return false;
      if (ph.p_memsz > 0 && !vm_space_add_segment(s, ph.p_vaddr, ph.p_memsz, ph.p_filesz,
                                                  ph.p_offset, (ph.p_flags & PF_W) != 0))
        return false;
      any_load = true;
    }
  }
  *entry = eh.e_entry;
  return any_load;
}

/* Writes the initial stack of ABI section 2 for ARGV[0..ARGC) into KPAGE, the image of
   the page just below USER_STACK; returns the user rsp and sets *ARGV_U. */
static uint64_t stack_build(uint8_t *kpage, int argc, char **argv, uint64_t *argv_u)
{
  uint64_t top = USER_STACK, base = USER_STACK - PGSIZE;
  uint64_t strings[PROCESS_CMDLINE_MAX / 2 + 1];
  size_t total = 0;
  for (int i = 0; i < argc; i++)
    total += strlen(argv[i]) + 1;
  uint64_t sp = top - total;
  for (int i = 0; i < argc; i++) {
    size_t n = strlen(argv[i]) + 1;
    strings[i] = sp;
    memcpy(kpage + (sp - base), argv[i], n);
    sp += n;
  }
  sp = (top - total) & ~7ULL;
  sp -= 8 * (uint64_t)(argc + 1);
  uint64_t *slots = (uint64_t *)(kpage + (sp - base));
  for (int i = 0; i < argc; i++)
    slots[i] = strings[i];
  slots[argc] = 0;
  *argv_u = sp;
  sp -= 8;
  *(uint64_t *)(kpage + (sp - base)) = 0;
  return sp;
}

/* Needs: CMDLINE a kernel string, P the process that will run it (its bounce page is used
   as scratch). Guarantees: on success a complete new address space in *OUT (executable
   open with writes denied, segments lazy, first stack page with the arguments) and the
   initial registers in *F; on failure false with nothing allocated. */
static bool process_load(struct process *p, const char *cmdline, struct vm_space **out,
                         struct intr_frame *f)
{
  char buf[PROCESS_CMDLINE_MAX + 1];
  char *argv[PROCESS_CMDLINE_MAX / 2 + 1];
  if (strnlen(cmdline, PROCESS_CMDLINE_MAX + 1) > PROCESS_CMDLINE_MAX)
    return false;
  strlcpy(buf, cmdline, sizeof buf);
  int argc = 0;
  for (char *c = buf; *c != '\0';) {
    while (*c == ' ')
      *c++ = '\0';
    if (*c == '\0')
      break;
    argv[argc++] = c;
    while (*c != '\0' && *c != ' ')
      c++;
  }
  if (argc == 0)
    return false;

  struct vm_space *s = vm_space_create();
  if (s == NULL)
    return false;
  struct file *file = filesys_open(argv[0]);
  if (file == NULL) {
    printf("load: %s: open failed\n", argv[0]); /* ABI 4: the reason, before the exit line */
    vm_space_destroy(s);
    return false;
  }
  file_deny_write(file);
  vm_space_set_exec(s, file);
  uint64_t entry, argv_u;
  if (!elf_load(s, file, p->bounce, &entry)) {
    printf("load: %s: error loading executable\n", argv[0]);
    vm_space_destroy(s);
    return false;
  }
  memset(f, 0, sizeof *f);
  memset(p->bounce, 0, PGSIZE);
  f->rsp = stack_build(p->bounce, argc, argv, &argv_u);
  if (!vm_space_add_stack(s, USER_STACK, p->bounce)) {
    vm_space_destroy(s);
    return false;
  }
  VM_TRACE(vm_trace_exec(s, argv[0]));
  f->R.rdi = (uint64_t)argc;
  f->R.rsi = argv_u;
  f->rip = entry;
  f->cs = USER_CS;
  f->ss = USER_SS;
  f->eflags = USER_RFLAGS;
  *out = s;
  return true;
}

/* Thread body of every user process: loads the program first if it is the initial
   process, then enters user mode with P->start. */
static void process_run(void *aux)
{
  struct process *p = aux;
  struct thread *t = thread_current();
  p->thread = t;
  t->process = p;
  if (p->space == NULL && !process_load(p, (const char *)p->bounce, &p->space, &p->start))
    process_exit(-1);
  t->pml4 = vm_space_pml4(p->space);
  mmu_activate(t->pml4);
  if (p->fpu_valid) {
    memcpy(t->fpu_state, p->fpu, sizeof t->fpu_state);
    __asm__ volatile("fxrstor %0" : : "m"(t->fpu_state));
  }
  struct intr_frame f = p->start;
  syscall_enter_user(&f);
}

/* Needs: P fully set up, not yet running. Puts P's record on CHILDREN (its parent's list)
   and starts P's thread at process_run. Returns its tid, or TID_ERROR with P freed and its
   record off the list. */
static tid_t process_start(struct process *p, struct list *children)
{
  struct process_record *rec = p->record;
  lock_acquire(&process_lock);
  list_push_back(children, &rec->elem);
  lock_release(&process_lock);
  tid_t tid = thread_create(p->name, PRI_DEFAULT, process_run, p);
  lock_acquire(&process_lock);
  if (tid == TID_ERROR) {
    list_remove(&rec->elem);
    lock_release(&process_lock);
    process_free_unstarted(p);
    return TID_ERROR;
  }
  rec->tid = tid;
  lock_release(&process_lock);
  return tid;
}

tid_t process_create_initd(const char *cmdline)
{
  if (strnlen(cmdline, PROCESS_CMDLINE_MAX + 1) > PROCESS_CMDLINE_MAX)
    return TID_ERROR;
  char name[PROCESS_NAME_MAX + 1];
  name_from_cmdline(name, cmdline);
  struct process *p = process_alloc(name);
  if (p == NULL)
    return TID_ERROR;
  if (!fdtable_init_console(p)) {
    process_free_unstarted(p);
    return TID_ERROR;
  }
  /* The command line waits in the bounce page until process_run loads it. */
  strlcpy((char *)p->bounce, cmdline, PGSIZE);
  return process_start(p, &kernel_children);
}

tid_t process_fork(const char *name, const struct intr_frame *f)
{
  struct process *parent = process_current();
  struct process *c = process_alloc(name);
  if (c == NULL)
    return TID_ERROR;
  struct file *exec = NULL;
  c->space = vm_space_create();
  if (c->space != NULL)
    exec = file_duplicate(vm_space_exec(parent->space));
  if (exec != NULL)
    vm_space_set_exec(c->space, exec);
  if (exec == NULL || !vm_space_copy(c->space, parent->space, &parent->faults) ||
      !fdtable_copy(c, parent)) {
    process_free_unstarted(c);
    return TID_ERROR;
  }
  c->start = *f;
  c->start.R.rax = 0;
  /* The child resumes with the parent's SSE/x87 state (FXSAVE: Intel SDM vol. 1, 10.5). */
  struct thread *t = thread_current();
  __asm__ volatile("fxsave %0" : "=m"(t->fpu_state));
  memcpy(c->fpu, t->fpu_state, sizeof c->fpu);
  c->fpu_valid = true;
  tid_t tid = process_start(c, &parent->children);
  if (tid != TID_ERROR)
    VM_TRACE(vm_trace_fork(thread_current()->tid, parent->space, tid, c->space));
  return tid;
}

void process_exec(const char *cmdline, struct intr_frame *f)
{
  struct process *p = process_current();
  struct thread *t = thread_current();
  struct vm_space *ns;
  struct intr_frame nf;
  if (!process_load(p, cmdline, &ns, &nf))
    process_exit(-1);
  struct vm_space *old = p->space;
  enum intr_level lvl = intr_disable();
  p->space = ns;
  t->pml4 = vm_space_pml4(ns);
  mmu_activate(t->pml4);
  intr_set_level(lvl);
  vm_space_destroy(old);
  *f = nf;
  uint32_t mxcsr = 0x1F80;
  __asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
}

int process_wait(tid_t tid)
{
  struct process *p = process_current();
  struct list *children = p != NULL ? &p->children : &kernel_children;
  struct process_record *rec = NULL;
  lock_acquire(&process_lock);
  for (struct list_elem *e = list_begin(children); e != list_end(children); e = list_next(e)) {
    struct process_record *r = list_entry(e, struct process_record, elem);
    if (r->tid == tid && tid != TID_ERROR) {
      rec = r;
      rec->waited_by_user = p != NULL;
      list_remove(e);
      break;
    }
  }
  lock_release(&process_lock);
  if (rec == NULL)
    return -1;
  sema_down(&rec->exited);
  int status = rec->status;
  lock_acquire(&process_lock);
  bool last = --rec->refs == 0;
  lock_release(&process_lock);
  if (last)
    free(rec);
  return status;
}

/* Page-fault error code bits (Intel SDM vol. 3, 4.7, "Page-Fault Exceptions"). The I/D
   bit is only reported with EFER.NXE or SMEP on, so a fault at rip itself counts as an
   instruction fetch too. */
#define PF_ERR_PRESENT 0x1
#define PF_ERR_WRITE   0x2
#define PF_ERR_FETCH   0x10

void process_kill(const struct intr_frame *f, uint64_t fault_addr)
{
  struct process *p = process_current();
  if (process_explain_kills && p != NULL) {
    if (f == NULL)
      printf("%s: killed: bad pointer, string or call number in a system call\n", p->name);
    else if (f->vec_no == 14) {
      bool fetch = (f->error_code & PF_ERR_FETCH) != 0 || fault_addr == f->rip;
      const char *kind = fetch                          ? "instruction fetch from"
                         : f->error_code & PF_ERR_WRITE ? "write to"
                                                        : "read from";
      printf("%s: killed: page fault: %s %#llx (%s), rip %#llx\n", p->name, kind,
             (unsigned long long)fault_addr,
             f->error_code & PF_ERR_PRESENT ? "protection" : "not present",
             (unsigned long long)f->rip);
    } else
      printf("%s: killed: exception %llu (%s), rip %#llx\n", p->name, (unsigned long long)f->vec_no,
             intr_name(f->vec_no), (unsigned long long)f->rip);
  }
  process_exit(-1);
}

void process_exit(int status)
{
  struct thread *t = thread_current();
  struct process *p = t->process;
  ASSERT(p != NULL);
  printf("%s: exit(%d)\n", p->name, status);
  vm_oom_exit_line();

  VM_TRACE(vm_trace_exit(p->space, status));
  fdtable_close_all(p);
  t->pml4 = NULL;
  mmu_activate(NULL);
  vm_space_destroy(p->space);
  p->space = NULL;
  palloc_free_page(p->bounce);

  struct process_record *rec = p->record;
  lock_acquire(&process_lock);
  while (!list_empty(&p->children)) {
    struct process_record *c =
        list_entry(list_pop_front(&p->children), struct process_record, elem);
    if (--c->refs == 0)
      free(c);
  }
  rec->status = status;
  t->process = NULL;
  free(p);
  if (--rec->refs == 0) {
    lock_release(&process_lock);
    free(rec);
    intr_disable();
    process_live_leave();
    thread_exit();
  }
  /* The waiter must not run before this thread is dying, or it could power off while
     this thread's pages are still in use: interrupts stay off from the wake-up until
     thread_exit switches away (sema_up and lock_release never yield). */
  intr_disable();
  process_live_leave();
  sema_up(&rec->exited);
  lock_release(&process_lock);
  thread_exit();
}
