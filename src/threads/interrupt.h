#ifndef THREADS_INTERRUPT_H
#define THREADS_INTERRUPT_H

#include <stdbool.h>
#include <stdint.h>

enum intr_level { INTR_OFF, INTR_ON };

enum intr_level intr_get_level(void);
enum intr_level intr_set_level(enum intr_level);
enum intr_level intr_enable(void);
enum intr_level intr_disable(void);

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
bool intr_context(void);
void intr_yield_on_return(void);
/* FN runs at the end of every interrupt or exception taken from user mode, on the way back
   to it, outside any external interrupt (start-up gives userprog's Ctrl-C check). */
void intr_set_user_return(void (*fn)(void));
const char *intr_name(uint8_t vec);
void intr_dump_frame(const struct intr_frame *);

#endif
