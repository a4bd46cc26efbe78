#include "userprog/console_interrupt.h"
#include "lib/stdio.h"
#include "threads/init.h"
#include "threads/interrupt.h"
#include "threads/thread.h"
#include "userprog/process.h"

/* Marks T's process if it is in the foreground; *AUX counts the marked. A process is
   reachable through T only while T->process is set: process_exit clears it before
   letting go of the record. */
static void console_interrupt_mark(struct thread *t, void *aux)
{
  struct process *p = t->process;
  if (p == NULL || p->record == NULL || !p->record->waited_by_user)
    return;
  p->record->interrupted = true;
  (*(int *)aux)++;
}

bool console_interrupt_key(void)
{
  ASSERT(intr_get_level() == INTR_OFF);
  int marked = 0;
  thread_foreach(console_interrupt_mark, &marked);
  return marked > 0;
}

void console_interrupt_check(void)
{
  struct process *p = thread_current()->process;
  if (p == NULL || p->record == NULL || !p->record->interrupted)
    return;
  intr_enable();
  if (init_explain_kills)
    printf("%s: killed: Ctrl-C on the console\n", p->name);
  process_exit(-1);
}
