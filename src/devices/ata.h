#ifndef DEVICES_ATA_H
#define DEVICES_ATA_H

#include <stdbool.h>

/* Probes the two legacy ATA channels (0x1F0/IRQ14, 0x170/IRQ15) and registers each disk found
   as a block device (hd0:0, hd0:1, hd1:0, hd1:1). */
void ata_init(void);
/* Kernel option -ata=page|sector (before ata_init): the driver's transfer mode; false for
   another name. */
bool ata_set_mode(const char *name);

#endif
