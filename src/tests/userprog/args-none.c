/* Runs with no arguments: argc = 1 and argv[0] is the program name. */
#include "tests/userprog/args.h"

const char *test_name = "args-none";
