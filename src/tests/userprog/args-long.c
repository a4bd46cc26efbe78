/* A command line close to the 128-byte limit (126 bytes). */
#include "tests/userprog/args.h"

const char *test_name = "args-long";
