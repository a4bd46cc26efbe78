#include "userprog/exception.h"
#include <stdbool.h>
#include <stdint.h>
#include "lib/debug.h"
#include "lib/stdio.h"
#include "threads/interrupt.h"
#include "threads/mmu.h"
#include "threads/thread.h"
#include "threads/vaddr.h"
#include "userprog/process.h"
#include "userprog/uaccess.h"
#include "vm/vm.h"

/* Page-fault error code bits (Intel SDM vol. 3, 4.7). */
#define PF_P 0x1 /* 0: not-present page; 1: protection violation */
#define PF_W 0x2 /* 1: write access */
#define PF_U 0x4 /* 1: access from user mode (CPL 3) */

static void exception_kill(struct intr_frame *f);
static void exception_page_fault(struct intr_frame *f);
static void exception_frame_id(struct intr_frame *f);

/* Guarantees: every CPU exception a user program can raise ends its process with
   exit(-1); the same exceptions in kernel mode panic with a register dump. Vectors 3
   (int3) and 4 (into) get DPL 3 so those instructions raise them rather than #GP.
   NMI (2), the reserved vectors and #DF (handled on its own stack by the core) are left
   to the core's default handler. */
void exception_init(void)
{
  static const uint8_t vectors[] = {0, 1, 3, 4, 5, 6, 7, 10, 11, 12, 13, 16, 17, 18, 19, 20, 21};
  for (unsigned i = 0; i < sizeof vectors; i++) {
    uint8_t v = vectors[i];
    intr_register_int(v, v == 3 || v == 4 ? 3 : 0, INTR_ON, exception_kill, intr_name(v));
  }
  /* Interrupts stay off on entry so CR2 is read before another fault can overwrite it. */
  intr_register_int(14, 0, INTR_OFF, exception_page_fault, "#PF Page Fault");
  intr_register_int(0x42, 3, INTR_ON, exception_frame_id, "frame introspection");
}

/* Needs: F describes an exception. Guarantees: a user-mode exception kills the current
   process with exit(-1); a kernel-mode one panics. */
static void exception_kill(struct intr_frame *f)
{
  if ((f->cs & 3) == 3 && thread_current()->process != NULL)
    process_kill(f, 0);
  intr_dump_frame(f);
  PANIC("Kernel exception %llu (%s)", (unsigned long long)f->vec_no, intr_name(f->vec_no));
}

/* Needs: entered with interrupts off (CR2 still this fault's). Guarantees: the fault is
   resolved by the VM and the access retried; or the user process dies with exit(-1); or,
   for a kernel access to user memory inside uaccess_raw_copy, the copy returns failure;
   any other kernel fault panics. */
static void exception_page_fault(struct intr_frame *f)
{
  uint64_t cr2;
  __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
  bool not_present = (f->error_code & PF_P) == 0;
  bool write = (f->error_code & PF_W) != 0;
  bool user = (f->error_code & PF_U) != 0;
  struct thread *t = thread_current();
  if (user)
    t->user_rsp = f->rsp;
  if (f->eflags & 0x200)
    intr_enable();

  bool in_copy =
      !user && f->rip >= (uint64_t)uaccess_text_start && f->rip < (uint64_t)uaccess_text_end;
  struct process *proc = t->process;
  if ((user || (in_copy && is_user_vaddr((void *)cr2))) && proc != NULL && proc->space != NULL) {
    struct vm_fault vf = {
        .addr = cr2, .rsp = t->user_rsp, .write = write, .not_present = not_present, .user = user};
    if (vm_fault_resolve(proc->space, &vf, &proc->faults) == VM_FAULT_HANDLED)
      return;
    if (user)
      process_kill(f, cr2);
    f->rip = (uint64_t)uaccess_fixup;
    return;
  }
  if (user)
    process_exit(-1);
  intr_dump_frame(f);
  PANIC("Kernel page fault at %#llx (%s, %s, %s)", (unsigned long long)cr2,
        not_present ? "not present" : "protection", write ? "write" : "read",
        user ? "user" : "kernel");
}

/* int $0x42 (ABI 3): rax in = user address, rax out = physical address of the frame
   mapped there in the hardware page table now (page-aligned), 0 if none. */
static void exception_frame_id(struct intr_frame *f)
{
  struct process *proc = thread_current()->process;
  void *uaddr = (void *)f->R.rax;
  void *kva = NULL;
  if (proc != NULL && proc->space != NULL && is_user_vaddr(uaddr))
    kva = vm_space_frame(proc->space, uaddr);
  f->R.rax = kva != NULL ? vtop(pg_round_down(kva)) : 0;
}
