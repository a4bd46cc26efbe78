#ifndef USERPROG_SYSCALL_H
#define USERPROG_SYSCALL_H

/* Programs the SYSCALL/SYSRET MSRs (STAR, LSTAR, SFMASK; Intel SDM vol. 3, 5.8.8) and
   registers nothing else. Call once at boot, after the GDT/TSS are loaded. */
void syscall_init(void);

#endif
