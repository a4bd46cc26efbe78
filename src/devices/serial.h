#ifndef DEVICES_SERIAL_H
#define DEVICES_SERIAL_H

#include <stdbool.h>
#include <stdint.h>

void serial_init(void);           /* polling mode */
void serial_init_irq(void);       /* switch transmit to interrupt-driven */
void serial_putc(uint8_t);        /* queue one byte (waits if the queue is full) */
void serial_flush(void);          /* wait until every byte has left the UART */
void serial_set_polled(void);     /* every later byte is written synchronously */
bool serial_has_input(void);
/* From now on a received KEY first calls FN (interrupts off); when FN returns true and no
   thread is waiting for input, the byte is dropped (start-up gives userprog's Ctrl-C:
   console_interrupt_key). */
void serial_set_interrupt_key(uint8_t key, bool (*fn)(void));
uint8_t serial_getc(void); /* blocks until a byte arrives */

#endif
