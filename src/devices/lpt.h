#ifndef DEVICES_LPT_H
#define DEVICES_LPT_H

#include <stdbool.h>
#include <stddef.h>

/* The first parallel port (LPT1), used as a second output channel with no line time: the
   launchers connect it to a file (Bochs `parport1`, QEMU `-parallel`). */

/* Looks for the port; lpt_present() tells the answer from then on. */
void lpt_init(void);
bool lpt_present(void);
/* Sends N bytes; nothing when the port is absent. */
void lpt_write(const char *buf, size_t n);

#endif
