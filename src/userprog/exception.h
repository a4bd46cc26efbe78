#ifndef USERPROG_EXCEPTION_H
#define USERPROG_EXCEPTION_H

/* Registers handlers for CPU exceptions 0-31 and the test introspection trap int $0x42
   (ABI section 3). Call once at boot, after intr_init. */
void exception_init(void);

#endif
