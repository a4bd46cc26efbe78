#include "programs/lib/readline.h"
#include "lib/string.h"
#include "syscall.h"

#define KEY_CTRL_A 0x01
#define KEY_CTRL_B 0x02
#define KEY_CTRL_C 0x03
#define KEY_CTRL_D 0x04
#define KEY_CTRL_E 0x05
#define KEY_CTRL_F 0x06
#define KEY_CTRL_U 0x15
#define KEY_ESC    0x1b
#define KEY_DEL    0x7f

/* The line being edited: BUF holds LEN bytes and a NUL, the cursor is before BUF[AT]. */
struct line {
  char *buf;
  size_t size, len, at;
  bool overflow; /* a character did not fit */
};

/* Reads one byte from fd 0. False at end of input. */
static bool readline_getc(char *c) { return read(0, c, 1) == 1; }

/* Writes N copies of byte C. */
static void readline_repeat(char c, size_t n)
{
  while (n-- > 0)
    write(1, &c, 1);
}

/* Cursor to column TO of the line (the terminal's cursor follows L->at). */
static void line_move(struct line *l, size_t to)
{
  if (to < l->at)
    readline_repeat('\b', l->at - to);
  else if (to > l->at)
    write(1, l->buf + l->at, (unsigned)(to - l->at));
  l->at = to;
}

/* Rewrites the line from the cursor to its end, blanks ERASED cells beyond it (the line was
   that much longer on screen), and puts the cursor back. */
static void line_redraw_tail(struct line *l, size_t erased)
{
  if (l->at < l->len)
    write(1, l->buf + l->at, (unsigned)(l->len - l->at));
  readline_repeat(' ', erased);
  readline_repeat('\b', l->len - l->at + erased);
}

/* Replaces the whole line by TEXT (cut to fit), on screen too; cursor at its end. */
static void line_replace(struct line *l, const char *text)
{
  line_move(l, 0);
  size_t old = l->len;
  l->len = strlcpy(l->buf, text, l->size);
  if (l->len >= l->size)
    l->len = l->size - 1;
  if (l->len > 0)
    write(1, l->buf, (unsigned)l->len);
  l->at = l->len;
  if (old > l->len) {
    readline_repeat(' ', old - l->len);
    readline_repeat('\b', old - l->len);
  }
}

static void line_insert(struct line *l, char c)
{
  if (l->len + 1 >= l->size) {
    l->overflow = true;
    return;
  }
  memmove(l->buf + l->at + 1, l->buf + l->at, l->len - l->at + 1);
  l->buf[l->at] = c;
  l->len++;
  write(1, &c, 1);
  l->at++;
  line_redraw_tail(l, 0);
}

static void line_backspace(struct line *l)
{
  if (l->at == 0)
    return;
  memmove(l->buf + l->at - 1, l->buf + l->at, l->len - l->at + 1);
  l->len--;
  write(1, "\b", 1);
  l->at--;
  line_redraw_tail(l, 1);
}

/* Consumes the rest of an escape sequence whose ESC was just read. Returns its final
   byte for ESC [ ... F and ESC O F (for example 'A' for the up arrow, '~' for ESC [ 1 ~),
   with *PARAM the first number of a CSI sequence (0 if none); 0 for anything else, -1 at
   end of input. Parameter bytes (0x30-0x3F) and intermediates (0x20-0x2F) of a CSI
   sequence are skipped up to the final byte (0x40-0x7E). */
static int readline_escape(int *param)
{
  char c;
  *param = 0;
  if (!readline_getc(&c))
    return -1;
  if (c == 'O')
    return readline_getc(&c) ? (unsigned char)c : -1;
  if (c != '[')
    return 0;
  bool first = true;
  for (;;) {
    if (!readline_getc(&c))
      return -1;
    if (c >= '0' && c <= '9' && first)
      *param = *param * 10 + (c - '0');
    else if (c == ';')
      first = false;
    if ((unsigned char)c >= 0x40 && (unsigned char)c <= 0x7e)
      return (unsigned char)c;
  }
}

void readline_history_add(struct readline_history *hist, const char *line)
{
  if (line[0] == '\0' || (hist->count > 0 && !strcmp(hist->lines[0], line)))
    return;
  int keep = hist->count < READLINE_HISTORY_LINES ? hist->count : READLINE_HISTORY_LINES - 1;
  memmove(hist->lines[1], hist->lines[0], (size_t)keep * READLINE_HISTORY_WIDTH);
  strlcpy(hist->lines[0], line, READLINE_HISTORY_WIDTH);
  hist->count = keep + 1;
}

enum readline_result readline(char *buf, size_t size, struct readline_history *hist)
{
  static bool last_was_cr;
  static char draft[READLINE_HISTORY_WIDTH]; /* the typed line while browsing history */
  struct line l = {buf, size, 0, 0, false};
  int browsing = -1; /* index into HIST of the line shown, -1: the line being typed */
  buf[0] = '\0';
  for (;;) {
    char c;
    if (!readline_getc(&c))
      return READLINE_EOF;
    if (c == '\n' && last_was_cr) {
      last_was_cr = false;
      continue;
    }
    last_was_cr = (c == '\r');
    if (c == '\r' || c == '\n') {
      write(1, "\n", 1);
      return l.overflow ? READLINE_TOO_LONG : READLINE_LINE;
    }
    int param = 0, key = 0;
    if (c == KEY_ESC) {
      key = readline_escape(&param);
      if (key < 0)
        return READLINE_EOF;
      if (key == '~' && (param == 1 || param == 7))
        key = 'H';
      else if (key == '~' && (param == 4 || param == 8))
        key = 'F';
    } else if (c == KEY_CTRL_A || c == KEY_CTRL_B || c == KEY_CTRL_E || c == KEY_CTRL_F) {
      key = c == KEY_CTRL_A ? 'H' : c == KEY_CTRL_B ? 'D' : c == KEY_CTRL_E ? 'F' : 'C';
    }
    if (key == 'D' && l.at > 0)
      line_move(&l, l.at - 1);
    else if (key == 'C' && l.at < l.len)
      line_move(&l, l.at + 1);
    else if (key == 'H')
      line_move(&l, 0);
    else if (key == 'F')
      line_move(&l, l.len);
    else if ((key == 'A' || key == 'B') && hist != NULL) {
      int to = browsing + (key == 'A' ? 1 : -1);
      if (to >= hist->count || to < -1)
        continue;
      if (browsing == -1)
        strlcpy(draft, buf, sizeof draft);
      browsing = to;
      line_replace(&l, to == -1 ? draft : hist->lines[to]);
      l.overflow = false;
    } else if (key != 0) {
      /* another key's escape sequence: nothing */
    } else if (c == '\b' || c == KEY_DEL) {
      line_backspace(&l);
    } else if (c == KEY_CTRL_C) {
      line_move(&l, l.len);
      write(1, "^C\n", 3);
      buf[0] = '\0';
      return READLINE_INTERRUPT;
    } else if (c == KEY_CTRL_D) {
      if (l.len == 0) {
        write(1, "\n", 1);
        return READLINE_EOF;
      }
    } else if (c == KEY_CTRL_U) {
      line_replace(&l, "");
      l.overflow = false;
    } else if ((unsigned char)c >= 0x20) {
      line_insert(&l, c);
    }
  }
}
