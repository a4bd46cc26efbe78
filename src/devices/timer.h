#ifndef DEVICES_TIMER_H
#define DEVICES_TIMER_H

#include <stddef.h>
#include <stdint.h>

#define TIMER_FREQ 100

void timer_init(void);
int64_t timer_ticks(void);
int64_t timer_elapsed(int64_t then);
/* Blocks the calling thread for TICKS timer ticks (no busy-waiting). TICKS <= 0 returns at once. */
void timer_sleep(int64_t ticks);
void timer_msleep(int64_t ms);
/* Seeded schedules: SEED != 0 makes the timer interrupt at seeded points far finer than a
   tick (see timer.c), IPS the emulated instructions per second the points are measured
   in (0: the default 100,000,000). SEED 0 keeps the exact 100 Hz. Call before timer_init. */
void timer_set_seed(uint64_t seed, uint64_t ips);
/* Starts measuring the longest stretch between two timer interrupts, in TSC cycles
   (instructions under Bochs; halted time included, but the timer wakes a halted CPU). A
   stretch longer than the PIT period is time the kernel kept interrupts off. */
void timer_reset_gap(void);
/* Writes " tick_gap_max=CYCLES" (the longest stretch since timer_reset_gap) into BUF. */
int timer_format_stats(char *buf, size_t size);

#endif
