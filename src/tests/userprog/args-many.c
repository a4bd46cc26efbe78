/* Runs with many arguments of varied lengths. */
#include "tests/userprog/args.h"

const char *test_name = "args-many";
