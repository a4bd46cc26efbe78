/* halt: powers the machine off. */
#include "syscall.h"

int main(void) { halt(); }
