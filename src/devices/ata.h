#ifndef DEVICES_ATA_H
#define DEVICES_ATA_H

/* Probes the two legacy ATA channels (0x1F0/IRQ14, 0x170/IRQ15) and registers each disk found
   as a block device (hd0:0, hd0:1, hd1:0, hd1:1). */
void ata_init(void);

#endif
