#ifndef THREADS_INIT_H
#define THREADS_INIT_H

#include <stddef.h>

/* Options from the kernel command line. */
extern size_t init_user_page_limit;
extern unsigned long init_seed;

#endif
