#include "devices/power.h"
#include "devices/serial.h"
#include "lib/stdio.h"
#include "threads/interrupt.h"
#include "threads/io.h"

/* Exit codes for QEMU's isa-debug-exit device (it exits with (code << 1) | 1). */
#define QEMU_EXIT_CLEAN 0x10
#define QEMU_EXIT_PANIC 0x20

/* Stops the emulator: the Bochs shutdown port 0x8900 first (Bochs treats port 0x501 as its
   VGA BIOS panic port), then QEMU's isa-debug-exit at 0x501, then ACPI PM1a at 0x604 (QEMU's
   default machine). Each is ignored where absent. */
static void machine_stop(uint8_t qemu_code) __attribute__((noreturn));
static void machine_stop(uint8_t qemu_code)
{
  serial_flush();
  intr_disable();
  for (const char *p = "Shutdown"; *p; p++)
    outb(0x8900, *p);
  outb(0x501, qemu_code);
  outw(0x604, 0x2000);
  for (;;)
    __asm__ volatile("cli; hlt");
}

void power_off(void)
{
  printf("Powering off...\n");
  machine_stop(QEMU_EXIT_CLEAN);
}

void power_off_quiet(void)
{
  printf("Powering off after a kernel panic.\n");
  machine_stop(QEMU_EXIT_PANIC);
}
