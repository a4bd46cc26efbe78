#ifndef USERPROG_CONSOLE_INTERRUPT_H
#define USERPROG_CONSOLE_INTERRUPT_H

#include <stdbool.h>

/* Ctrl-C on the console (docs/abi.md, section 4): the byte 0x03 ends the foreground
   programs, those a user process is waiting for, with exit(-1); the process waiting (the
   shell) goes on. With no such program the byte is ordinary input. */
#define CONSOLE_INTERRUPT_KEY 0x03

/* Needs: interrupts off (the serial receive interrupt). Marks every user process that a
   user process is blocked in wait() for; true if it marked any. Each marked process ends
   with exit(-1) the next time it would return to user mode. */
bool console_interrupt_key(void);

/* Needs: called on the way back to user mode (system-call return, an interrupt or
   exception from user mode), not inside an external interrupt. If Ctrl-C marked the
   current process it ends with exit(-1) (with the kernel option -v, after a line
   `NAME: killed: Ctrl-C on the console`); otherwise returns at once. */
void console_interrupt_check(void);

#endif
