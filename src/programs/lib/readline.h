#ifndef PROGRAMS_LIB_READLINE_H
#define PROGRAMS_LIB_READLINE_H

/* Line input from the console (fd 0) for the shell and the utilities, which link
   the code of src/programs/lib (test programs do not). The kernel does no echo and no line
   editing: this does both, the way a terminal's line discipline would. */

#include <stdbool.h>
#include <stddef.h>

enum readline_result {
  READLINE_LINE, /* a line ended by CR, LF or CR LF */
  READLINE_EOF,  /* Ctrl-D on an empty line, or read(0) returned 0 or -1 */
};

/* Reads one line into BUF (SIZE bytes, SIZE >= 1): at most SIZE - 1 characters and a NUL,
   the line end not included. Echoes what is typed; backspace and DEL erase one character,
   Ctrl-U the whole line; further characters beyond SIZE - 1 are dropped unechoed; other
   control characters are ignored. Escape sequences (arrow and function keys: ESC [ ... or
   ESC O x) are consumed, never inserted; the up arrow replaces the line with RECALL when
   RECALL is not NULL (one step of history). On READLINE_EOF, BUF holds what was typed. */
enum readline_result readline(char *buf, size_t size, const char *recall);

#endif
