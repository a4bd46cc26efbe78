#ifndef USERPROG_SYSCALL_H
#define USERPROG_SYSCALL_H

/* Programs the SYSCALL/SYSRET MSRs (STAR, LSTAR, SFMASK; Intel SDM vol. 3, 5.8.8) and
   registers nothing else. HALT: what the halt system call runs (the orderly power-off of
   the start-up code above every subsystem); it does not return. Call once at boot, after
   the GDT/TSS are loaded. */
typedef void (*syscall_halt_fn)(void) __attribute__((noreturn));
void syscall_init(syscall_halt_fn halt);

#endif
