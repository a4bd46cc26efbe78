#ifndef THREADS_INTERRUPT_H
#define THREADS_INTERRUPT_H

#include <stdbool.h>
#include <stdint.h>

enum intr_level { INTR_OFF, INTR_ON };

#ifdef HOST_TEST
enum intr_level intr_get_level(void);
enum intr_level intr_set_level(enum intr_level);
enum intr_level intr_enable(void);
enum intr_level intr_disable(void);
#else
#include "lib/debug.h"

/* True while an external interrupt's handler runs (interrupt.c); read by intr_context. */
extern bool intr_in_external;

/* The interrupt level, from RFLAGS.IF (Intel SDM vol. 1, 3.4.3.3). These four are inline:
   every lock and semaphore operation calls two of them, and a call costs more than the
   pushf/cli it wraps; artificial, so that a debugger shows the caller's line. */
static inline __attribute__((always_inline, artificial)) enum intr_level intr_get_level(void)
{
  uint64_t flags;
  /* Not volatile: unused (intr_set_level's result, mostly), it is dropped; the memory
     clobber keeps it in order with cli and sti. */
  __asm__("pushfq; popq %0" : "=r"(flags)::"memory");
  return flags & 0x200 ? INTR_ON : INTR_OFF;
}

/* Disables interrupts; returns the level before. */
static inline __attribute__((always_inline, artificial)) enum intr_level intr_disable(void)
{
  uint64_t flags;
  __asm__ volatile("pushfq; popq %0; cli" : "=r"(flags)::"memory");
  return flags & 0x200 ? INTR_ON : INTR_OFF;
}

/* Enables interrupts; returns the level before. Not from an external interrupt's handler. */
static inline __attribute__((always_inline, artificial)) enum intr_level intr_enable(void)
{
  enum intr_level old = intr_get_level();
  ASSERT(!intr_in_external);
  __asm__ volatile("sti" ::: "memory");
  return old;
}

/* Sets the level to LEVEL; returns the level before (not intr_disable for OFF: its pushf is
   volatile, and a restore rarely uses the old level). */
static inline __attribute__((always_inline, artificial)) enum intr_level
intr_set_level(enum intr_level level)
{
  if (level == INTR_ON)
    return intr_enable();
  enum intr_level old = intr_get_level();
  __asm__ volatile("cli" ::: "memory");
  return old;
}
#endif

/* Saved general registers, in the order the entry stub pushes them (last pushed first). */
struct gp_registers {
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
  uint64_t rsi, rdi, rbp, rdx, rcx, rbx, rax;
} __attribute__((packed));

/* Stack frame of an interrupt, exception or system call (Intel SDM vol. 3, 6.14.2: the CPU
   pushes ss, rsp, rflags, cs, rip and for some vectors an error code). */
struct intr_frame {
  struct gp_registers R;
  uint64_t es_ds; /* unused slot kept for alignment */
  uint64_t vec_no;
  uint64_t error_code;
  uint64_t rip;
  uint64_t cs;
  uint64_t eflags;
  uint64_t rsp;
  uint64_t ss;
} __attribute__((packed));

typedef void intr_handler_func(struct intr_frame *);

void intr_init(void);
/* External (PIC) interrupt VEC (0x20-0x2f): runs with interrupts off, must not sleep. */
void intr_register_ext(uint8_t vec, intr_handler_func *, const char *name);
/* Internal interrupt/exception VEC callable from privilege DPL; LEVEL = interrupts on/off
   while the handler runs. */
void intr_register_int(uint8_t vec, int dpl, enum intr_level level, intr_handler_func *,
                       const char *name);
#ifdef HOST_TEST
bool intr_context(void);
#else
/* True inside an external interrupt's handler (a macro, as thread_current). */
#define intr_context() ((bool)intr_in_external)
#endif
void intr_yield_on_return(void);
/* FN runs at the end of every interrupt or exception taken from user mode, on the way back
   to it, outside any external interrupt (start-up gives userprog's Ctrl-C check). */
void intr_set_user_return(void (*fn)(void));
const char *intr_name(uint8_t vec);
void intr_dump_frame(const struct intr_frame *);

#endif
