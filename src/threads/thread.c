#include "threads/thread.h"
#include "threads/io.h"
#include "lib/debug.h"
#include "lib/random.h"
#include "lib/stdio.h"
#include "lib/string.h"
#include "threads/gdt.h"
#include "threads/interrupt.h"
#include "threads/mmu.h"
#include "threads/palloc.h"
#include "threads/vaddr.h"

/* Round-robin scheduler for one CPU. Each thread has a struct thread in its own page and a
   separate THREAD_STACK_PAGES-page kernel stack; `thread_running` names the running thread (no
   stack-pointer masking, so stacks need no special alignment). Ready threads run in FIFO
   order for TIME_SLICE ticks each; the idle thread runs only when nothing else is ready.
   The scheduler state is protected by disabling interrupts. */
#define STACK_CANARY 0x57A9C0DE57A9C0DEULL
#define TIME_SLICE   4

static struct list ready_list;
static struct list all_list;
struct thread *thread_running;
static struct thread *idle_thread;
static struct thread initial_thread_storage;
static tid_t next_tid = 1;
static unsigned slice_ticks, slice_length = TIME_SLICE;
static bool slice_random;
static struct thread *waiting_thread; /* halted in thread_wait_interrupt, or NULL */
static uint8_t fpu_template[512] __attribute__((aligned(16)));

int64_t thread_idle_ticks, thread_kernel_ticks, thread_user_ticks;

extern uint8_t boot_stack_top[];
struct thread *thread_switch(uint64_t *save_rsp, uint64_t next_rsp, struct thread *prev);
void thread_trampoline(void);
void thread_schedule_tail(struct thread *prev);

static void thread_setup(struct thread *t, const char *name, int priority)
{
  memset(t, 0, sizeof *t);
  t->status = THREAD_BLOCKED;
  strlcpy(t->name, name, sizeof t->name);
  t->priority = priority;
  t->magic = THREAD_MAGIC;
  memcpy(t->fpu_state, fpu_template, sizeof t->fpu_state);
  enum intr_level old = intr_disable();
  t->tid = next_tid++;
  list_push_back(&all_list, &t->all_elem);
  intr_set_level(old);
}

static uint64_t thread_stack_top(const struct thread *t)
{
  return t->stack_base ? (uint64_t)t->stack_base + THREAD_STACK_PAGES * PGSIZE
                       : (uint64_t)boot_stack_top;
}

/* Turns the code running since boot into the initial thread "main" and captures a clean
   FPU/SSE state (FNINIT, MXCSR 0x1F80: all SIMD exceptions masked) that every new thread
   starts from (Intel SDM vol. 1, 10.5.1). Needs CR0/CR4 set up for FXSAVE. */
void thread_init(void)
{
  list_init(&ready_list);
  list_init(&all_list);
  uint32_t mxcsr = 0x1F80;
  __asm__ volatile("fninit; ldmxcsr %1; fxsave %0" : "=m"(fpu_template) : "m"(mxcsr));
  thread_running = &initial_thread_storage;
  thread_setup(thread_running, "main", PRI_DEFAULT);
  thread_running->status = THREAD_RUNNING;
  tss_update(thread_stack_top(thread_running));
}

/* Enables random time-slice lengths (1 to 4 ticks) drawn from the seeded generator. */
void thread_set_random_slices(bool on) { slice_random = on; }

static void idle(void *aux UNUSED)
{
  for (;;) {
    intr_disable();
    thread_block();
    /* STI takes effect after the next instruction, so no interrupt slips in between
       (Intel SDM vol. 2, STI). */
    __asm__ volatile("sti; hlt" : : : "memory");
  }
}

/* Creates the idle thread and enables interrupts: preemptive scheduling starts. */
void thread_start(void)
{
  tid_t tid = thread_create("idle", PRI_MIN, idle, NULL);
  ASSERT(tid != TID_ERROR);
  intr_enable();
}

void thread_preempt_point(bool yield)
{
  if (yield && thread_running != idle_thread && thread_running != waiting_thread &&
      !list_empty(&ready_list))
    intr_yield_on_return();
}

void thread_tick(bool user_mode)
{
  struct thread *t = thread_running;
  if (t == idle_thread || t == waiting_thread)
    thread_idle_ticks++;
  else if (user_mode)
    thread_user_ticks++;
  else
    thread_kernel_ticks++;
  if (t == idle_thread ? !list_empty(&ready_list) : ++slice_ticks >= slice_length)
    intr_yield_on_return();
}

/* Halts the CPU until the next interrupt, for a thread that must wait on a device without
   blocking (the console's transmit queue). Called with interrupts off; returns with them off.
   Ticks spent here count as idle, not kernel, time. STI delays interrupts by one
   instruction, so none is lost between STI and HLT (Intel SDM vol. 2, STI). */
void thread_wait_interrupt(void)
{
  ASSERT(intr_get_level() == INTR_OFF);
  waiting_thread = thread_running;
  __asm__ volatile("sti; hlt; cli" : : : "memory");
  waiting_thread = NULL;
}

/* Creates a thread running FUNCTION(AUX) and puts it on the ready list. Returns its tid or
   TID_ERROR if memory is short. The new thread owns its pages; they are freed after it
   exits, by whichever thread runs next. */
tid_t thread_create(const char *name, int priority, thread_func *function, void *aux)
{
  struct thread *t = palloc_get_page(0);
  if (t == NULL)
    return TID_ERROR;
  uint8_t *stack = palloc_get_multiple(0, THREAD_STACK_PAGES);
  if (stack == NULL) {
    palloc_free_page(t);
    return TID_ERROR;
  }
  thread_setup(t, name, priority);
  t->stack_base = stack;
  *(uint64_t *)stack = STACK_CANARY;
  if (function == idle)
    idle_thread = t;

  uint64_t *sp = (uint64_t *)(thread_stack_top(t) - 16);
  sp[0] = (uint64_t)thread_trampoline;
  sp -= 6; /* r15, r14, r13, r12, rbp, rbx as thread_switch pops them */
  sp[0] = 0;
  sp[1] = 0;
  sp[2] = (uint64_t)aux;      /* r13 */
  sp[3] = (uint64_t)function; /* r12 */
  sp[4] = 0;
  sp[5] = 0;
  t->saved_rsp = (uint64_t)sp;
  tid_t tid = t->tid;
  thread_unblock(t);
  return tid;
}

static struct thread *next_thread_to_run(void)
{
  if (list_empty(&ready_list))
    return idle_thread;
  return list_entry(list_pop_front(&ready_list), struct thread, elem);
}

/* Completes a switch on the new thread's stack: marks it running, loads its address space,
   kernel stack and FPU state, and frees PREV if it was dying. Interrupts off. */
void thread_schedule_tail(struct thread *prev)
{
  struct thread *cur = thread_running;
  cur->status = THREAD_RUNNING;
  slice_ticks = 0;
  if (slice_random)
    slice_length = 1 + random_u64() % TIME_SLICE;
  if (prev != NULL && prev != cur) {
    mmu_activate(cur->pml4);
    tss_update(thread_stack_top(cur));
    __asm__ volatile("fxrstor %0" : : "m"(cur->fpu_state));
    if (prev->status == THREAD_DYING && prev != &initial_thread_storage) {
      palloc_free_multiple(prev->stack_base, THREAD_STACK_PAGES);
      palloc_free_page(prev);
    }
  }
}

/* Switches to the next thread. The caller has set the running thread's status and holds
   interrupts off. */
static void schedule(void)
{
  struct thread *cur = thread_running;
  struct thread *next = next_thread_to_run();
  ASSERT(intr_get_level() == INTR_OFF);
  ASSERT(cur->status != THREAD_RUNNING);
  ASSERT(cur->magic == THREAD_MAGIC);
  ASSERT(cur->stack_base == NULL || *(uint64_t *)cur->stack_base == STACK_CANARY);
  struct thread *prev = NULL;
  if (next != cur) {
    __asm__ volatile("fxsave %0" : "=m"(cur->fpu_state));
    thread_running = next;
    cur->switched_out = rdtsc();
    prev = thread_switch(&cur->saved_rsp, next->saved_rsp, cur);
    cur->offcpu_cycles += rdtsc() - cur->switched_out;
  }
  thread_schedule_tail(prev);
}

void thread_block(void)
{
  ASSERT(!intr_context());
  ASSERT(intr_get_level() == INTR_OFF);
  thread_running->status = THREAD_BLOCKED;
  schedule();
}

void thread_unblock(struct thread *t)
{
  ASSERT(t->magic == THREAD_MAGIC);
  enum intr_level old = intr_disable();
  ASSERT(t->status == THREAD_BLOCKED);
  if (t != idle_thread)
    list_push_back(&ready_list, &t->elem);
  t->status = THREAD_READY;
  intr_set_level(old);
}

void thread_foreach(void (*fn)(struct thread *, void *), void *aux)
{
  ASSERT(intr_get_level() == INTR_OFF);
  for (struct list_elem *e = list_begin(&all_list); e != list_end(&all_list); e = list_next(e))
    fn(list_entry(e, struct thread, all_elem), aux);
}

tid_t thread_tid(void) { return thread_current()->tid; }
const char *thread_name(void) { return thread_current()->name; }

void thread_exit(void)
{
  ASSERT(!intr_context());
  intr_disable();
  list_remove(&thread_running->all_elem);
  thread_running->status = THREAD_DYING;
  schedule();
  NOT_REACHED();
}

void thread_yield(void)
{
  ASSERT(!intr_context());
  enum intr_level old = intr_disable();
  if (thread_running != idle_thread)
    list_push_back(&ready_list, &thread_running->elem);
  thread_running->status = THREAD_READY;
  schedule();
  intr_set_level(old);
}

int thread_get_priority(void) { return thread_running->priority; }
void thread_set_priority(int p) { thread_running->priority = p; }
