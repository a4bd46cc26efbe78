#ifndef THREADS_INIT_H
#define THREADS_INIT_H

#include <stdbool.h>
#include <stddef.h>

/* Options from the kernel command line. */
extern size_t init_user_page_limit;
extern unsigned long init_seed;
/* -v: print why a user process was killed before its exit line. */
extern bool init_explain_kills;

#endif
