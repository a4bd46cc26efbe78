/* Runs of spaces between arguments (and trailing ones) separate words and never produce
   empty arguments. */
#include "tests/userprog/args.h"

const char *test_name = "args-spaces";
