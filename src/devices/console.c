#include "devices/console.h"
#include "lib/debug.h"
#include "devices/serial.h"
#include "lib/stdio.h"
#include "threads/interrupt.h"
#include "threads/synch.h"
#include "threads/thread.h"

/* The console is COM1. console_write holds a lock for the whole call so that one call is
   one uninterrupted run of bytes on the line (the ABI's atomic write). */
static struct lock console_lock;
static bool console_locking; /* false until threads exist, and after a panic */
static void (*console_diverted)(const char *, size_t); /* console_divert */

void console_init(void)
{
  lock_init(&console_lock);
  console_locking = true;
}

void console_panic(void)
{
  console_locking = false;
  console_diverted = NULL;
  serial_set_polled();
}

void console_write(const char *buf, size_t n)
{
  bool locked = console_locking && !intr_context() && !lock_held_by_current_thread(&console_lock);
  if (locked)
    lock_acquire(&console_lock);
  for (size_t i = 0; i < n; i++)
    serial_putc((uint8_t)buf[i]);
  if (locked)
    lock_release(&console_lock);
}

void console_divert(void (*write)(const char *, size_t)) { console_diverted = write; }

/* Kernel printf's output path (see lib/stdio.h). */
void stdio_write(const char *buf, size_t n)
{
  if (console_diverted != NULL)
    console_diverted(buf, n);
  else
    console_write(buf, n);
}
