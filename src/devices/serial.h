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
uint8_t serial_getc(void); /* blocks until a byte arrives */

#endif
