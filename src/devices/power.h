#ifndef DEVICES_POWER_H
#define DEVICES_POWER_H

/* Prints the power-off statistics and "Powering off...", then stops the machine
   (Bochs port 0x8900, QEMU isa-debug-exit and ACPI). */
void power_off(void) __attribute__((noreturn));
/* Stops the machine without statistics (after a panic). */
void power_off_quiet(void) __attribute__((noreturn));

#endif
