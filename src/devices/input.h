#ifndef DEVICES_INPUT_H
#define DEVICES_INPUT_H

#include <stdint.h>

/* Console input (COM1 receive). Blocks the calling thread until a byte is available. */
uint8_t input_getc(void);

#endif
