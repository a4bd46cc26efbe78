/* Runs with a single argument. */
#include "tests/userprog/args.h"

const char *test_name = "args-one";
