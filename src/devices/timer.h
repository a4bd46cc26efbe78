#ifndef DEVICES_TIMER_H
#define DEVICES_TIMER_H

#include <stdint.h>

#define TIMER_FREQ 100

void timer_init(void);
int64_t timer_ticks(void);
int64_t timer_elapsed(int64_t then);
/* Blocks the calling thread for TICKS timer ticks (no busy-waiting). TICKS <= 0 returns at once. */
void timer_sleep(int64_t ticks);
void timer_msleep(int64_t ms);
/* Perturb tick points from SEED (0 = exact 100 Hz); call before timer_init. */
void timer_set_seed(uint64_t seed);

#endif
