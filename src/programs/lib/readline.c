#include "programs/lib/readline.h"
#include "lib/string.h"
#include "syscall.h"

#define KEY_CTRL_D 0x04
#define KEY_CTRL_U 0x15
#define KEY_ESC    0x1b
#define KEY_DEL    0x7f

/* Erases the last N echoed characters from the terminal. */
static void readline_rub_out(size_t n)
{
  while (n-- > 0)
    write(1, "\b \b", 3);
}

/* Reads one byte from fd 0. False at end of input. */
static bool readline_getc(char *c) { return read(0, c, 1) == 1; }

/* Consumes the rest of an escape sequence whose ESC was just read. Returns its final
   byte for ESC [ ... F and ESC O F (for example 'A' for the up arrow), 0 for anything
   else, -1 at end of input. Parameter bytes (0x30-0x3F) and intermediates (0x20-0x2F)
   of a CSI sequence are skipped up to the final byte (0x40-0x7E). */
static int readline_escape(void)
{
  char c;
  if (!readline_getc(&c))
    return -1;
  if (c == 'O')
    return readline_getc(&c) ? (unsigned char)c : -1;
  if (c != '[')
    return 0;
  for (;;) {
    if (!readline_getc(&c))
      return -1;
    if ((unsigned char)c >= 0x40 && (unsigned char)c <= 0x7e)
      return (unsigned char)c;
  }
}

enum readline_result readline(char *buf, size_t size, const char *recall)
{
  static bool last_was_cr;
  size_t len = 0;
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
      return READLINE_LINE;
    }
    if (c == '\b' || c == KEY_DEL) {
      if (len > 0) {
        buf[--len] = '\0';
        readline_rub_out(1);
      }
    } else if (c == KEY_CTRL_D) {
      if (len == 0) {
        write(1, "\n", 1);
        return READLINE_EOF;
      }
    } else if (c == KEY_CTRL_U) {
      readline_rub_out(len);
      len = 0;
      buf[0] = '\0';
    } else if (c == KEY_ESC) {
      int final = readline_escape();
      if (final < 0)
        return READLINE_EOF;
      if (final == 'A' && recall != NULL) {
        readline_rub_out(len);
        len = strlcpy(buf, recall, size);
        if (len >= size)
          len = size - 1;
        write(1, buf, (unsigned)len);
      }
    } else if ((unsigned char)c >= 0x20 && len + 1 < size) {
      buf[len++] = c;
      buf[len] = '\0';
      write(1, &c, 1);
    }
  }
}
