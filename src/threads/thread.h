#ifndef THREADS_THREAD_H
#define THREADS_THREAD_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/debug.h"
#include "lib/kernel/list.h"
#include "threads/interrupt.h"

enum thread_status { THREAD_RUNNING, THREAD_READY, THREAD_BLOCKED, THREAD_DYING };

typedef int tid_t;
#define TID_ERROR ((tid_t)-1)

#define PRI_MIN     0
#define PRI_DEFAULT 31
#define PRI_MAX     63

struct process;

/* A kernel thread (and, with userprog, the thread of a user process).
   The struct lives at the bottom of its own page; the kernel stack is a separate
   THREAD_STACK_PAGES-page block. */
struct thread {
  tid_t tid;
  enum thread_status status;
  char name[16];
  int priority;
  uint8_t *stack_base;       /* kernel stack block (palloc'd), NULL for the initial thread */
  uint64_t saved_rsp;        /* rsp saved by thread_switch */
  struct list_elem elem;     /* ready list or a wait list */
  struct list_elem all_elem; /* all-threads list */
  int64_t wakeup_tick;       /* timer_sleep */
  struct list_elem sleep_elem;
  uint64_t *pml4;          /* page table root of a user process, or NULL */
  struct process *process; /* user process data, or NULL for kernel threads */
  uint64_t user_rsp;       /* user rsp saved at system-call entry */
  uint64_t offcpu_cycles;  /* TSC cycles spent switched out (VM fault timing) */
  uint64_t switched_out;   /* TSC when last switched out */
  uint8_t fpu_state[512] __attribute__((aligned(16))); /* FXSAVE area (SDM vol. 1, 10.5) */
  unsigned magic;                                      /* stack-overflow canary */
};

#define THREAD_STACK_PAGES 2
#define THREAD_MAGIC       0x4B657374u /* struct thread's canary */

void thread_init(void);
void thread_start(void);
void thread_tick(bool user_mode);
/* A seeded preemption point between ticks (timer interrupt context): if YIELD and another
   thread is ready, the running thread yields when the interrupt returns. Counts no tick. */
void thread_preempt_point(bool yield);

typedef void thread_func(void *aux);
tid_t thread_create(const char *name, int priority, thread_func *, void *aux);
void thread_block(void);
void thread_unblock(struct thread *);
#ifdef HOST_TEST
struct thread *thread_current(void);
#else
/* The running thread (thread.c; switched by schedule). */
extern struct thread *thread_running;

/* The running thread; panics if its stack overran its struct (the magic canary). A macro,
   not a function: every lock operation asks for it, and a debugger shows the caller's line
   (an inline function's own line would be where a breakpoint on its caller stops). */
#define thread_current()                                                                           \
  ({                                                                                               \
    struct thread *thread_cur_ = thread_running;                                                   \
    ASSERT(thread_cur_->magic == THREAD_MAGIC);                                                    \
    thread_cur_;                                                                                   \
  })
#endif

/* Needs: interrupts off. Calls FN(T, AUX) on every thread T, in creation order; FN must
   not create, block or end threads. */
void thread_foreach(void (*fn)(struct thread *, void *), void *aux);
tid_t thread_tid(void);
const char *thread_name(void);
void thread_exit(void) __attribute__((noreturn));
void thread_yield(void);
int thread_get_priority(void);
void thread_set_priority(int);
void thread_set_random_slices(bool on);
void thread_wait_interrupt(void);

/* Tick counters for statistics. */
extern int64_t thread_idle_ticks, thread_kernel_ticks, thread_user_ticks;

#endif
