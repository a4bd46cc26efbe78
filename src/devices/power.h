#ifndef DEVICES_POWER_H
#define DEVICES_POWER_H

/* Prints "Powering off..." and stops the machine (Bochs port 0x8900, QEMU isa-debug-exit
   and ACPI). The statistics come before, from main/shutdown.c. */
void power_off(void) __attribute__((noreturn));
/* Stops the machine after a panic. */
void power_off_quiet(void) __attribute__((noreturn));

#endif
