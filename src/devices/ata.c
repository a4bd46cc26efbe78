#include "devices/ata.h"
#include <stdbool.h>
#include <stdint.h>
#include "devices/block.h"
#include "lib/debug.h"
#include "lib/stdio.h"
#include "lib/string.h"
#include "threads/interrupt.h"
#include "threads/io.h"
#include "threads/synch.h"
#include "threads/thread.h"

/* PIO driver for the two legacy ATA channels. Register layout and protocols follow
   ATA/ATAPI-6 (T13/1410D): command block registers (section 7), PIO data-in and data-out
   protocols (section 9.5, 9.6), IDENTIFY DEVICE (section 8.15), READ SECTORS (8.27),
   WRITE SECTORS (8.48), READ MULTIPLE (8.24), WRITE MULTIPLE (8.44), SET MULTIPLE MODE
   (8.39). LBA28 addressing; data moved 32 bits at a time. A transfer of several sectors
   (up to a page) is one READ/WRITE MULTIPLE command with the multiple count set to a page,
   so it is one DRQ data block; a single sector is READ/WRITE SECTORS. Commands run with
   INTRQ masked (nIEN) and are polled: on Bochs a write ends with its data block and a
   read after a seek of at least 10 us, less than an interrupt, a sleep and a wake-up cost;
   a longer seek halts the CPU until the interrupt (ata_wait_polled). The kernel option
   -ata=sector keeps the older driver for make bench's comparison: one sector per command,
   16-bit transfers, an interrupt each. */

/* Command block registers, offsets from the channel's base port (section 7.1). */
#define ATA_DATA    0
#define ATA_ERROR   1
#define ATA_NSECT   2
#define ATA_LBA_LO  3
#define ATA_LBA_MID 4
#define ATA_LBA_HI  5
#define ATA_DEVICE  6
#define ATA_STATUS  7 /* read; reading it clears a pending INTRQ (section 7.15) */
#define ATA_COMMAND 7 /* write */

/* Status register bits (section 7.15). */
#define STA_BSY  0x80
#define STA_DRDY 0x40
#define STA_DF   0x20
#define STA_DRQ  0x08
#define STA_ERR  0x01

/* Device register: bit 6 selects LBA addressing, bit 4 the device; bits 7 and 5 are
   obsolete and conventionally written as 1 (section 7.9). */
#define DEV_BASE  0xA0
#define DEV_LBA   0x40
#define DEV_SLAVE 0x10

/* Device control register (section 7.8): nIEN masks INTRQ. */
#define CTL_NIEN 0x02

#define CMD_IDENTIFY       0xEC
#define CMD_READ_SECTORS   0x20
#define CMD_WRITE_SECTORS  0x30
#define CMD_READ_MULTIPLE  0xC4
#define CMD_WRITE_MULTIPLE 0xC5
#define CMD_SET_MULTIPLE   0xC6

/* 32-bit transfers per sector. */
#define SECTOR_DWORDS (BLOCK_SECTOR_SIZE / 4)

/* Emulated devices answer at once; a real one that stays busy this long is given up on. */
#define ATA_POLL_LIMIT 1000000

/* Status polls before a command's wait halts the CPU until the interrupt (ata_wait_polled):
   about 6 emulated instructions each, so about 3,000 instructions, past Bochs's shortest
   read seek (10 us, 1,000 instructions at 100 M per second) and far below its next one (a
   cylinder's distance: hundreds of microseconds). */
#define ATA_SPIN 500

struct ata_channel;

struct ata_disk {
  char name[8];
  struct ata_channel *channel;
  uint8_t dev_bit; /* 0 or DEV_SLAVE */
  bool multiple;   /* SET MULTIPLE MODE accepted BLOCK_MAX_SECTORS sectors per block */
};

struct ata_channel {
  uint16_t base, ctl;
  uint8_t vec;             /* interrupt vector (IRQ + 0x20) */
  struct semaphore idle;   /* 1 while no command is in progress: one at a time */
  uint8_t device;          /* Device register as last written by a command, 0: unknown */
  struct semaphore done;   /* upped by the IRQ handler when a command completes */
  volatile bool expecting; /* a command is waiting for its interrupt */
  volatile uint8_t irq_status;
  struct ata_disk disks[2];
};

static struct ata_channel channels[2] = {
    {.base = 0x1F0, .ctl = 0x3F6, .vec = 0x2E},
    {.base = 0x170, .ctl = 0x376, .vec = 0x2F},
};

static const enum block_role disk_roles[2][2] = {
    {BLOCK_BOOT, BLOCK_FILESYS},
    {BLOCK_SCRATCH, BLOCK_SWAP},
};

/* 400 ns pause after selecting a device: four reads of the alternate status register
   (section 9.7, device selection protocol). */
static void ata_delay_400ns(const struct ata_channel *c)
{
  unsigned i;
  for (i = 0; i < 4; i++)
    (void)inb(c->ctl);
}

/* Polls the status register until BSY clears; returns the last status (BSY still set on
   time-out). Reading Status also acknowledges the device's interrupt. */
static uint8_t ata_wait_not_busy(const struct ata_channel *c)
{
  uint8_t status = inb(c->base + ATA_STATUS);
  unsigned i;
  for (i = 0; (status & STA_BSY) && i < ATA_POLL_LIMIT; i++)
    status = inb(c->base + ATA_STATUS);
  return status;
}

/* Probes device DEV_BIT of channel C with IDENTIFY DEVICE (interrupts masked with nIEN) and
   returns its LBA28 sector count (IDENTIFY words 60-61), or 0 if there is no ATA disk:
   status 0x00/0xFF after selection (nothing there), a command that never raises DRQ, or an
   abort (ATAPI devices abort IDENTIFY DEVICE). *MAX_MULTIPLE: the most sectors per DRQ
   block of READ/WRITE MULTIPLE (word 47, bits 7:0; 0: not supported). */
static uint32_t ata_identify(struct ata_channel *c, uint8_t dev_bit, unsigned *max_multiple)
{
  uint16_t id[256];
  uint8_t status;

  outb(c->base + ATA_DEVICE, DEV_BASE | dev_bit);
  ata_delay_400ns(c);
  status = inb(c->base + ATA_STATUS);
  if (status == 0x00 || status == 0xFF)
    return 0;
  if (ata_wait_not_busy(c) & STA_BSY)
    return 0;
  outb(c->base + ATA_COMMAND, CMD_IDENTIFY);
  ata_delay_400ns(c);
  status = ata_wait_not_busy(c);
  if ((status & (STA_BSY | STA_ERR | STA_DF)) || !(status & STA_DRQ))
    return 0;
  insl(c->base + ATA_DATA, id, sizeof id / 4);
  (void)inb(c->base + ATA_STATUS);
  *max_multiple = id[47] & 0xFF;
  return (uint32_t)id[60] | ((uint32_t)id[61] << 16);
}

/* Sets the multiple count of disk DEV_BIT on C to BLOCK_MAX_SECTORS with SET MULTIPLE MODE
   (interrupts masked with nIEN, polled); true if the device accepted it. */
static bool ata_set_multiple(struct ata_channel *c, uint8_t dev_bit)
{
  outb(c->base + ATA_DEVICE, DEV_BASE | dev_bit);
  ata_delay_400ns(c);
  if (ata_wait_not_busy(c) & STA_BSY)
    return false;
  outb(c->base + ATA_NSECT, BLOCK_MAX_SECTORS);
  outb(c->base + ATA_COMMAND, CMD_SET_MULTIPLE);
  ata_delay_400ns(c);
  return (ata_wait_not_busy(c) & (STA_BSY | STA_ERR | STA_DF)) == 0;
}

/* Interrupt handler for both channels: reads Status (which deasserts INTRQ) and wakes the
   waiting caller, if any. A caller that was asleep runs as soon as the interrupt returns:
   left at the tail of the ready list it would wait a CPU-bound thread's whole time slice
   after every command, and a process paging beside a computing one would make no progress.
   Other interrupts (none is expected while a command is polled) are dropped. */
static void ata_interrupt(struct intr_frame *f)
{
  struct ata_channel *c = &channels[f->vec_no == channels[0].vec ? 0 : 1];
  uint8_t status = inb(c->base + ATA_STATUS);
  if (c->expecting) {
    c->expecting = false;
    c->irq_status = status;
    bool asleep = !list_empty(&c->done.waiters);
    sema_up(&c->done);
    if (asleep)
      thread_preempt_point(true);
  }
}

/* Sector mode (the driver before page-sized commands, kept for make bench's comparison):
   waits for the interrupt of the command issued on C with INTRQ enabled and c->expecting
   set, asleep; polls when interrupts are off (early boot). Returns the final status. */
static uint8_t ata_wait_interrupt(struct ata_channel *c)
{
  if (intr_get_level() == INTR_ON) {
    sema_down(&c->done);
    return c->irq_status;
  }
  c->expecting = false;
  return ata_wait_not_busy(c);
}

/* Waits for BSY to clear after a command was issued on C with INTRQ masked (nIEN), and
   returns Status (read last, which clears the device's interrupt pending state). Polls
   the Alternate Status register (which acknowledges nothing) up to ATA_SPIN times, with
   interrupts as the caller has them, so the timer still preempts. Measured on Bochs 2.7: a
   write is complete when its data block ends; a read keeps BSY for a seek of about 5 ms
   times the distance from the last sector accessed over the disk's size, at least 10 us,
   then sets DRQ. The shortest seek is polled through. A longer one halts the CPU until the
   device interrupts (INTRQ unmasked, nIEN = 0: ATA/ATAPI-6, section 7.8; STI then HLT, so
   the interrupt cannot slip in between: SDM vol. 2, STI): the thread keeps the CPU as if it
   polled, so a paging process's transfers stay together (sleeping through the seek let
   three processes paging at once, vm/swap-multi, interleave their transfers across the disk
   and seek far on most of them), but the emulator skips the halted time instead of
   emulating a poll loop through it; its ticks count as idle (thread_wait_interrupt). The
   timer still preempts the halted thread. With interrupts off (early boot) it polls to the
   end. */
static uint8_t ata_wait_polled(struct ata_channel *c)
{
  for (unsigned i = 0; i < ATA_SPIN; i++)
    if (!(inb(c->ctl) & STA_BSY))
      return inb(c->base + ATA_STATUS);
  if (intr_get_level() == INTR_OFF)
    return ata_wait_not_busy(c);
  uint8_t status;
  intr_disable();
  c->expecting = true;
  outb(c->ctl, 0);
  while (c->expecting && (inb(c->ctl) & STA_BSY))
    thread_wait_interrupt();
  if (c->expecting) {
    c->expecting = false;
    status = inb(c->base + ATA_STATUS);
  } else {
    status = c->irq_status;
    sema_try_down(&c->done);
  }
  outb(c->ctl, CTL_NIEN);
  intr_enable();
  return status;
}

/* Selects D and loads the task-file registers for a command on COUNT sectors from SECTOR.
   The caller owns the channel (c->idle). The device selection protocol (section 9.7:
   write Device, wait 400 ns, wait for BSY clear) runs only when the Device register
   changes (another disk of the channel, or LBA bits 27:24): a command of this driver ends
   with BSY and DRQ clear, so the selected device is ready for the next one. */
static void ata_select_sectors(struct ata_disk *d, block_sector_t sector, unsigned count)
{
  struct ata_channel *c = d->channel;
  uint8_t device = DEV_BASE | DEV_LBA | d->dev_bit | ((sector >> 24) & 0x0F);

  ASSERT(sector < (1u << 28) && count >= 1 && count <= BLOCK_MAX_SECTORS);
  if (device != c->device) {
    outb(c->base + ATA_DEVICE, device);
    ata_delay_400ns(c);
    if (ata_wait_not_busy(c) & STA_BSY)
      PANIC("%s: device stays busy", d->name);
    c->device = device;
  }
  outb(c->base + ATA_NSECT, count);
  outb(c->base + ATA_LBA_LO, sector & 0xFF);
  outb(c->base + ATA_LBA_MID, (sector >> 8) & 0xFF);
  outb(c->base + ATA_LBA_HI, (sector >> 16) & 0xFF);
}

/* Sector mode: one sector per command, 16-bit PIO, an interrupt (and a sleep) for each. */
static bool ata_sector_mode;

/* Reads COUNT sectors from SECTOR into BUF (PIO data-in, section 9.5: the device sets DRQ
   once the data block is in its buffer, then the host transfers it). Several sectors are
   one READ MULTIPLE data block (COUNT <= the multiple count), polled (ata_wait_polled); a
   disk that refused the multiple count, or sector mode, reads them one READ SECTORS
   command each. */
static void ata_read(void *aux, block_sector_t sector, unsigned count, void *buf)
{
  struct ata_disk *d = aux;
  struct ata_channel *c = d->channel;
  uint8_t status;

  if (count > 1 && (!d->multiple || ata_sector_mode)) {
    for (unsigned i = 0; i < count; i++)
      ata_read(aux, sector + i, 1, (uint8_t *)buf + i * BLOCK_SECTOR_SIZE);
    return;
  }
  sema_down(&c->idle);
  ata_select_sectors(d, sector, count);
  c->expecting = ata_sector_mode;
  outb(c->base + ATA_COMMAND, count > 1 ? CMD_READ_MULTIPLE : CMD_READ_SECTORS);
  ata_delay_400ns(c);
  status = ata_sector_mode ? ata_wait_interrupt(c) : ata_wait_polled(c);
  if ((status & (STA_BSY | STA_ERR | STA_DF)) || !(status & STA_DRQ))
    PANIC("%s: read of %u sectors at %u failed (status 0x%02x, error 0x%02x)", d->name, count,
          sector, status, inb(c->base + ATA_ERROR));
  if (ata_sector_mode)
    insw(c->base + ATA_DATA, buf, BLOCK_SECTOR_SIZE / 2);
  else
    insl(c->base + ATA_DATA, buf, count * SECTOR_DWORDS);
  sema_up(&c->idle);
}

/* Writes COUNT sectors of BUF to SECTOR (PIO data-out, section 9.6: the device sets DRQ
   without an interrupt, the host transfers the data block, the device clears BSY when it
   has taken it). Several sectors are one WRITE MULTIPLE data block; as ata_read when the
   disk refused it, or in sector mode. */
static void ata_write(void *aux, block_sector_t sector, unsigned count, const void *buf)
{
  struct ata_disk *d = aux;
  struct ata_channel *c = d->channel;
  uint8_t status;

  if (count > 1 && (!d->multiple || ata_sector_mode)) {
    for (unsigned i = 0; i < count; i++)
      ata_write(aux, sector + i, 1, (const uint8_t *)buf + i * BLOCK_SECTOR_SIZE);
    return;
  }
  sema_down(&c->idle);
  ata_select_sectors(d, sector, count);
  outb(c->base + ATA_COMMAND, count > 1 ? CMD_WRITE_MULTIPLE : CMD_WRITE_SECTORS);
  ata_delay_400ns(c);
  status = ata_wait_not_busy(c);
  if ((status & (STA_BSY | STA_ERR | STA_DF)) || !(status & STA_DRQ))
    PANIC("%s: write of %u sectors at %u refused (status 0x%02x)", d->name, count, sector, status);
  if (ata_sector_mode) {
    c->expecting = true;
    outsw(c->base + ATA_DATA, buf, BLOCK_SECTOR_SIZE / 2);
    status = ata_wait_interrupt(c);
  } else {
    outsl(c->base + ATA_DATA, buf, count * SECTOR_DWORDS);
    ata_delay_400ns(c);
    status = ata_wait_polled(c);
  }
  if (status & (STA_BSY | STA_ERR | STA_DF))
    PANIC("%s: write of %u sectors at %u failed (status 0x%02x)", d->name, count, sector, status);
  sema_up(&c->idle);
}

/* Chooses the driver's mode from the kernel option -ata=NAME before ata_init: "page" (the
   default: up to a page per command, 32-bit PIO, polled) or "sector" (one sector per
   command, 16-bit PIO, interrupt-driven, as before page-sized commands; make bench
   compares the two). False for another NAME. */
bool ata_set_mode(const char *name)
{
  if (!strcmp(name, "page"))
    ata_sector_mode = false;
  else if (!strcmp(name, "sector"))
    ata_sector_mode = true;
  else
    return false;
  return true;
}

static const struct block_operations ata_ops = {
    .read = ata_read,
    .write = ata_write,
};

/* Probes both channels, registers every disk found under its role (with its multiple
   count set to a page when it supports that) and prints one line per disk. A missing channel reads
   0xFF from its status port and costs one port read. */
void ata_init(void)
{
  unsigned ci, di;

  for (ci = 0; ci < 2; ci++) {
    struct ata_channel *c = &channels[ci];
    sema_init(&c->idle, 1);
    c->device = 0;
    sema_init(&c->done, 0);
    c->expecting = false;
    if (inb(c->base + ATA_STATUS) == 0xFF)
      continue;
    outb(c->ctl, CTL_NIEN);
    for (di = 0; di < 2; di++) {
      struct ata_disk *d = &c->disks[di];
      uint32_t sectors;
      unsigned max_multiple;
      snprintf(d->name, sizeof d->name, "hd%u:%u", ci, di);
      d->channel = c;
      d->dev_bit = di ? DEV_SLAVE : 0;
      sectors = ata_identify(c, d->dev_bit, &max_multiple);
      if (sectors == 0)
        continue;
      d->multiple = max_multiple >= BLOCK_MAX_SECTORS && ata_set_multiple(c, d->dev_bit);
      block_register(d->name, disk_roles[ci][di], sectors, &ata_ops, d);
      if (sectors >= 2048)
        printf("%s: %u sectors (%u MB)\n", d->name, sectors, sectors / 2048);
      else
        printf("%s: %u sectors (%u kB)\n", d->name, sectors, sectors / 2);
    }
    outb(c->base + ATA_DEVICE, DEV_BASE);
    ata_delay_400ns(c);
    (void)inb(c->base + ATA_STATUS);
    outb(c->ctl, ata_sector_mode ? 0 : CTL_NIEN);
    intr_register_ext(c->vec, ata_interrupt, ci ? "ata1" : "ata0");
  }
}
