#include "devices/serial.h"
#include "devices/input.h"
#include "lib/debug.h"
#include "threads/interrupt.h"
#include "threads/io.h"
#include "threads/synch.h"
#include "threads/thread.h"

/* 16550A UART on COM1 (I/O 0x3F8, IRQ 4). Transmission is interrupt driven: bytes go into a
   ring buffer and the THRE interrupt refills the 16-byte transmit FIFO, so the CPU does not
   spin for the (emulated) line time of every byte; a halted CPU waits instead, which Bochs
   skips over. Before interrupts are enabled, or when the buffer is full with interrupts off,
   bytes are written by polling. */
#define COM1       0x3F8
#define REG_DATA   (COM1 + 0)
#define REG_IER    (COM1 + 1)
#define REG_IIR    (COM1 + 2)
#define REG_FCR    (COM1 + 2)
#define REG_LCR    (COM1 + 3)
#define REG_MCR    (COM1 + 4)
#define REG_LSR    (COM1 + 5)
#define LSR_DR     0x01
#define LSR_THRE   0x20
#define LSR_TEMT   0x40
#define IER_RX     0x01
#define IER_TX     0x02
#define FIFO_DEPTH 16

#define TX_SIZE 8192
static uint8_t tx_buf[TX_SIZE];
static size_t tx_head, tx_tail; /* head: next to send; tail: next free slot */
#define RX_SIZE 256
static uint8_t rx_buf[RX_SIZE];
static size_t rx_head, rx_tail;
static struct semaphore rx_ready;
static bool irq_mode;
static bool polled_only; /* after a panic */
static uint8_t ier;

static size_t tx_count(void) { return tx_tail - tx_head; }

/* The byte that calls INTR_KEY_FN (serial_set_interrupt_key). */
static uint8_t intr_key;
static bool (*intr_key_fn)(void);

void serial_set_interrupt_key(uint8_t key, bool (*fn)(void))
{
  intr_key = key;
  intr_key_fn = fn;
}

static void serial_interrupt(struct intr_frame *f UNUSED);

/* Programs 115200 baud 8N1 with FIFOs on, all UART interrupts off. */
void serial_init(void)
{
  outb(REG_IER, 0);
  outb(REG_LCR, 0x80);
  outb(COM1 + 0, 1); /* divisor 1 = 115200 baud */
  outb(COM1 + 1, 0);
  outb(REG_LCR, 0x03); /* 8 data bits, no parity, 1 stop bit */
  outb(REG_FCR, 0x07); /* enable and clear FIFOs */
  outb(REG_MCR, 0x0B); /* DTR, RTS, OUT2 (routes the IRQ on PC hardware) */
  sema_init(&rx_ready, 0);
}

/* Switches to interrupt-driven operation; needs intr_init(). */
void serial_init_irq(void)
{
  intr_register_ext(0x20 + 4, serial_interrupt, "serial");
  ier = IER_RX;
  irq_mode = true;
  if (tx_count() > 0)
    ier |= IER_TX;
  outb(REG_IER, ier);
}

static void poll_send_one(void)
{
  while (!(inb(REG_LSR) & LSR_THRE))
    continue;
  outb(REG_DATA, tx_buf[tx_head++ % TX_SIZE]);
}

/* Moves up to a FIFO's worth of queued bytes to the UART; call with interrupts off. */
static void tx_fill_fifo(void)
{
  if (inb(REG_LSR) & LSR_THRE)
    for (int i = 0; i < FIFO_DEPTH && tx_count() > 0; i++)
      outb(REG_DATA, tx_buf[tx_head++ % TX_SIZE]);
}

static void tx_set_interrupt(bool on)
{
  uint8_t want = on ? (ier | IER_TX) : (ier & ~IER_TX);
  if (want != ier) {
    ier = want;
    outb(REG_IER, ier);
  }
}

/* Queues C for the line. An idle transmitter is started here rather than by an interrupt
   asked for now: the transmit-empty interrupt only refills a FIFO that is running. Under
   Bochs a transmit-empty interrupt could be lost when a received byte arrived as the
   transmitter drained (seen in the shell test: bytes queued, IER asking for THRE, no
   interrupt pending at the PIC, the CPU idle); starting the transmitter from every write
   means such a loss holds output back only until the next byte is written. */
void serial_putc(uint8_t c)
{
  enum intr_level old = intr_disable();
  if (!irq_mode || polled_only) {
    while (tx_count() > 0)
      poll_send_one();
    while (!(inb(REG_LSR) & LSR_THRE))
      continue;
    outb(REG_DATA, c);
    intr_set_level(old);
    return;
  }
  while (tx_count() == TX_SIZE) {
    if (old == INTR_ON && !intr_context())
      thread_wait_interrupt();
    else
      poll_send_one();
  }
  tx_buf[tx_tail++ % TX_SIZE] = c;
  tx_fill_fifo();
  tx_set_interrupt(tx_count() > 0);
  intr_set_level(old);
}

/* Waits until the ring buffer is empty and the transmitter has shifted out its last bit. */
void serial_flush(void)
{
  enum intr_level old = intr_disable();
  while (tx_count() > 0) {
    if (irq_mode && !polled_only && old == INTR_ON && !intr_context())
      thread_wait_interrupt();
    else
      poll_send_one();
  }
  while (!(inb(REG_LSR) & LSR_TEMT))
    continue;
  intr_set_level(old);
}

static void serial_interrupt(struct intr_frame *f UNUSED)
{
  uint8_t lsr;
  while ((lsr = inb(REG_LSR)) & LSR_DR) {
    uint8_t c = inb(REG_DATA);
    /* Ctrl-C that ended foreground programs is input only for one of them blocked reading
       the console (it wakes, then dies on its way back to user mode). */
    if (c == intr_key && intr_key_fn != NULL && intr_key_fn() && list_empty(&rx_ready.waiters))
      continue;
    if (rx_tail - rx_head < RX_SIZE) {
      rx_buf[rx_tail++ % RX_SIZE] = c;
      sema_up(&rx_ready);
    }
  }
  tx_fill_fifo();
  if (tx_count() == 0)
    tx_set_interrupt(false);
}

bool serial_has_input(void) { return rx_tail != rx_head; }

uint8_t serial_getc(void)
{
  sema_down(&rx_ready);
  enum intr_level old = intr_disable();
  uint8_t c = rx_buf[rx_head++ % RX_SIZE];
  intr_set_level(old);
  return c;
}

uint8_t input_getc(void) { return serial_getc(); }

void serial_set_polled(void) { polled_only = true; }
