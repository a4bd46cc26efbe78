#ifndef MAIN_INIT_H
#define MAIN_INIT_H

#include <stdbool.h>
#include <stddef.h>

/* Options from the kernel command line. */
extern size_t init_user_page_limit;
extern unsigned long init_seed;

#endif
