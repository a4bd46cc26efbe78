#ifndef PROGRAMS_LIB_READLINE_H
#define PROGRAMS_LIB_READLINE_H

/* Line input from the console (fd 0) for the shell and the utilities, which link
   the code of src/programs/lib (test programs do not). The kernel does no echo and no line
   editing: this does both, the way a terminal's line discipline would. */

#include <stdbool.h>
#include <stddef.h>

enum readline_result {
  READLINE_LINE,      /* a line ended by CR, LF or CR LF */
  READLINE_EOF,       /* Ctrl-D on an empty line, or read(0) returned 0 or -1 */
  READLINE_INTERRUPT, /* Ctrl-C: the line was abandoned (BUF is empty) */
  READLINE_TOO_LONG,  /* the line ended, but more than SIZE - 1 bytes were typed */
};

#define READLINE_HISTORY_LINES 16
#define READLINE_HISTORY_WIDTH 128

/* The last READLINE_HISTORY_LINES lines entered, for the up and down arrows. Zero it
   (a static or `= {0}`) before first use. */
struct readline_history {
  char lines[READLINE_HISTORY_LINES][READLINE_HISTORY_WIDTH];
  int count; /* lines held; lines[0] is the newest */
};

/* Adds LINE to HIST as its newest line (cut to READLINE_HISTORY_WIDTH - 1 bytes), unless
   LINE is empty or equal to the newest line already there. */
void readline_history_add(struct readline_history *hist, const char *line);

/* Reads one line into BUF (SIZE bytes, SIZE >= 1): at most SIZE - 1 characters and a NUL,
   the line end not included. Echoes what is typed and edits like a terminal: backspace and
   DEL erase the character left of the cursor, Ctrl-U the whole line; the left and right
   arrows (and Ctrl-B, Ctrl-F, Home, End, Ctrl-A, Ctrl-E) move the cursor and typing inserts
   there; the up and down arrows step through HIST (older, newer, back to the line being
   typed) when HIST is not NULL. Other control characters and escape sequences (ESC [ ...
   or ESC O x) insert nothing. Characters beyond SIZE - 1 are not stored or echoed; the
   line then ends with READLINE_TOO_LONG (BUF holds its first SIZE - 1 bytes). Ctrl-C
   echoes "^C", ends the line and returns READLINE_INTERRUPT. On READLINE_EOF, BUF holds
   what was typed. */
enum readline_result readline(char *buf, size_t size, struct readline_history *hist);

#endif
