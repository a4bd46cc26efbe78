#include "devices/lpt.h"
#include "threads/interrupt.h"
#include "threads/io.h"

/* Standard-mode parallel port at 0x378: a data latch, a status register and a control
   register whose STROBE line, pulsed, hands the latched byte to the printer. An emulator
   writes the byte to its file at the pulse, so a byte costs three port writes and no
   waiting; on a real printer port the BUSY poll below paces it. */
#define LPT1         0x378
#define REG_DATA     (LPT1 + 0)
#define REG_STATUS   (LPT1 + 1)
#define REG_CONTROL  (LPT1 + 2)
#define CTL_STROBE   0x01
#define CTL_INIT     0x04 /* active low: set means "not resetting" */
#define CTL_SELECT   0x08
#define STATUS_READY 0x80 /* the inverted BUSY line: set when the printer can take a byte */
#define READY_POLLS  1000

static bool present;

/* The data latch of a port that is there reads back what was written; an absent port
   reads as all ones. Two patterns, so that a bus that keeps its last value does not pass. */
void lpt_init(void)
{
  outb(REG_DATA, 0x5A);
  bool first = inb(REG_DATA) == 0x5A;
  outb(REG_DATA, 0xA5);
  present = first && inb(REG_DATA) == 0xA5;
  if (present)
    outb(REG_CONTROL, CTL_INIT | CTL_SELECT);
}

bool lpt_present(void) { return present; }

/* Each byte: latch it, then pulse STROBE. A printer that stays busy for READY_POLLS status
   reads is written to anyway: this channel must never hang a power-off. */
void lpt_write(const char *buf, size_t n)
{
  if (!present)
    return;
  enum intr_level old = intr_disable();
  for (size_t i = 0; i < n; i++) {
    for (int p = 0; p < READY_POLLS && !(inb(REG_STATUS) & STATUS_READY); p++)
      continue;
    outb(REG_DATA, (uint8_t)buf[i]);
    outb(REG_CONTROL, CTL_INIT | CTL_SELECT | CTL_STROBE);
    outb(REG_CONTROL, CTL_INIT | CTL_SELECT);
  }
  intr_set_level(old);
}
