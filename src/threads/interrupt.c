#include "threads/interrupt.h"
#include <stddef.h>
#include "lib/debug.h"
#include "lib/stdio.h"
#include "threads/gdt.h"
#include "threads/io.h"
#include "threads/thread.h"

/* Run on every return to user mode (intr_set_user_return); NULL: nothing. */
static void (*user_return)(void);

/* Legacy 8259A PICs: master at 0x20/0x21, slave at 0xA0/0xA1. IRQ n is remapped to vector
   0x20 + n so it cannot collide with CPU exceptions (Intel SDM vol. 3, 6.2). */
#define PIC0_CMD  0x20
#define PIC0_DATA 0x21
#define PIC1_CMD  0xA0
#define PIC1_DATA 0xA1
#define IRQ_BASE  0x20

struct gate {
  uint16_t off_lo;
  uint16_t sel;
  uint8_t ist;
  uint8_t type_attr;
  uint16_t off_mid;
  uint32_t off_hi;
  uint32_t zero;
} __attribute__((packed));

static struct gate idt[256];
static intr_handler_func *handlers[256];
static const char *names[256];
extern const uint64_t intr_stubs[256];

bool intr_in_external;
static bool yield_on_return;
static uint16_t pic_mask = 0xFFFB; /* all masked but the cascade line (IRQ 2) */

static const char *const exception_names[32] = {"#DE Divide Error",
                                                "#DB Debug",
                                                "NMI",
                                                "#BP Breakpoint",
                                                "#OF Overflow",
                                                "#BR BOUND Range Exceeded",
                                                "#UD Invalid Opcode",
                                                "#NM Device Not Available",
                                                "#DF Double Fault",
                                                "Coprocessor Segment Overrun",
                                                "#TS Invalid TSS",
                                                "#NP Segment Not Present",
                                                "#SS Stack Fault",
                                                "#GP General Protection",
                                                "#PF Page Fault",
                                                "Reserved",
                                                "#MF x87 FPU Error",
                                                "#AC Alignment Check",
                                                "#MC Machine Check",
                                                "#XM SIMD Floating-Point",
                                                "#VE Virtualization",
                                                "#CP Control Protection"};

static void pic_write_mask(void)
{
  outb(PIC0_DATA, pic_mask & 0xFF);
  outb(PIC1_DATA, pic_mask >> 8);
}

/* ICW1-ICW4 sequence for cascaded 8259As in 8086 mode. */
static void pic_init(void)
{
  outb(PIC0_DATA, 0xFF);
  outb(PIC1_DATA, 0xFF);
  outb(PIC0_CMD, 0x11);
  outb(PIC0_DATA, IRQ_BASE);
  outb(PIC0_DATA, 0x04);
  outb(PIC0_DATA, 0x01);
  outb(PIC1_CMD, 0x11);
  outb(PIC1_DATA, IRQ_BASE + 8);
  outb(PIC1_DATA, 0x02);
  outb(PIC1_DATA, 0x01);
  pic_write_mask();
}

static void pic_end_of_interrupt(int irq)
{
  if (irq >= 8)
    outb(PIC1_CMD, 0x20);
  outb(PIC0_CMD, 0x20);
}

static void idt_set_gate(int vec, int dpl, bool trap)
{
  uint64_t off = intr_stubs[vec];
  struct gate *g = &idt[vec];
  g->off_lo = off & 0xFFFF;
  g->sel = SEL_KCSEG;
  g->ist = vec == 8 ? 1 : 0;
  /* Present | DPL | 0xE interrupt gate (IF cleared on entry) or 0xF trap gate. */
  g->type_attr = 0x80 | (dpl << 5) | (trap ? 0xF : 0xE);
  g->off_mid = (off >> 16) & 0xFFFF;
  g->off_hi = off >> 32;
  g->zero = 0;
}

struct idt_pointer {
  uint16_t limit;
  uint64_t base;
} __attribute__((packed));

/* Fills all 256 IDT entries with DPL-0 interrupt gates and loads the IDT; remaps the PICs.
   Interrupts stay disabled. */
void intr_init(void)
{
  pic_init();
  for (int v = 0; v < 256; v++) {
    idt_set_gate(v, 0, false);
    names[v] = v < 32 ? exception_names[v] : "unknown";
  }
  struct idt_pointer idtr = {sizeof idt - 1, (uint64_t)idt};
  __asm__ volatile("lidt %0" : : "m"(idtr));
}

void intr_register_ext(uint8_t vec, intr_handler_func *handler, const char *name)
{
  ASSERT(vec >= IRQ_BASE && vec < IRQ_BASE + 16);
  handlers[vec] = handler;
  names[vec] = name;
  pic_mask &= ~(1u << (vec - IRQ_BASE));
  pic_write_mask();
}

void intr_register_int(uint8_t vec, int dpl, enum intr_level level, intr_handler_func *handler,
                       const char *name)
{
  ASSERT(vec < IRQ_BASE || vec >= IRQ_BASE + 16);
  handlers[vec] = handler;
  names[vec] = name;
  idt_set_gate(vec, dpl, level == INTR_ON);
}

void intr_yield_on_return(void)
{
  ASSERT(intr_context());
  yield_on_return = true;
}

const char *intr_name(uint8_t vec) { return names[vec]; }

/* Backtrace of a trapped kernel context: the faulting rip, then the rbp chain. */
void debug_backtrace_from(uint64_t rip, uint64_t rbp);

static uint64_t read_cr2(void)
{
  uint64_t cr2;
  __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
  return cr2;
}

void intr_dump_frame(const struct intr_frame *f)
{
  printf("Interrupt %#04llx (%s) at rip=%#llx\n", (unsigned long long)f->vec_no, names[f->vec_no],
         (unsigned long long)f->rip);
  printf(" cr2=%016llx error=%016llx cs=%04llx rflags=%08llx\n", (unsigned long long)read_cr2(),
         (unsigned long long)f->error_code, (unsigned long long)f->cs,
         (unsigned long long)f->eflags);
  printf(" rax=%016llx rbx=%016llx rcx=%016llx rdx=%016llx\n", (unsigned long long)f->R.rax,
         (unsigned long long)f->R.rbx, (unsigned long long)f->R.rcx, (unsigned long long)f->R.rdx);
  printf(" rsp=%016llx rbp=%016llx rsi=%016llx rdi=%016llx\n", (unsigned long long)f->rsp,
         (unsigned long long)f->R.rbp, (unsigned long long)f->R.rsi, (unsigned long long)f->R.rdi);
  printf(" r8 =%016llx r9 =%016llx r10=%016llx r11=%016llx\n", (unsigned long long)f->R.r8,
         (unsigned long long)f->R.r9, (unsigned long long)f->R.r10, (unsigned long long)f->R.r11);
  printf(" r12=%016llx r13=%016llx r14=%016llx r15=%016llx\n", (unsigned long long)f->R.r12,
         (unsigned long long)f->R.r13, (unsigned long long)f->R.r14, (unsigned long long)f->R.r15);
  if ((f->cs & 3) == 0)
    debug_backtrace_from(f->rip, f->R.rbp);
}

/* Common C entry of every interrupt (called by intr_entry with interrupts off, or on for
   trap gates). External interrupts run their handler, acknowledge the PIC and may yield;
   an exception without a handler is a kernel bug and panics. */
void intr_handler(struct intr_frame *f)
{
  uint64_t vec = f->vec_no;
  bool external = vec >= IRQ_BASE && vec < IRQ_BASE + 16;
  if (external) {
    ASSERT(intr_get_level() == INTR_OFF);
    ASSERT(!intr_context());
    intr_in_external = true;
    yield_on_return = false;
  }
  if (handlers[vec] != NULL)
    handlers[vec](f);
  else if (external) {
    /* Spurious IRQ 7/15 or an unregistered line: acknowledge and ignore. */
  } else {
    console_panic();
    printf("PANIC: unexpected interrupt %llu (%s) in %s mode\n", (unsigned long long)vec,
           names[vec], (f->cs & 3) ? "user" : "kernel");
    intr_dump_frame(f);
    PANIC("unhandled exception");
  }
  if (external) {
    intr_in_external = false;
    pic_end_of_interrupt(vec - IRQ_BASE);
    if (yield_on_return)
      thread_yield();
  }
  if ((f->cs & 3) == 3 && user_return != NULL)
    user_return();
}

void intr_set_user_return(void (*fn)(void)) { user_return = fn; }
