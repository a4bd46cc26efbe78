#ifndef MAIN_SHUTDOWN_H
#define MAIN_SHUTDOWN_H

/* Orderly end of a run (after the actions, or the halt system call): flushes the file
   system, prints the statistics lines and the STATS line from one snapshot, then powers
   off. */
void shutdown_power_off(void) __attribute__((noreturn));

#endif
