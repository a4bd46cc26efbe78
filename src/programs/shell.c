/* Kestrel's interactive shell (the default program of `make run`).

   Reads command lines from the console (fd 0, one byte at a time), echoing what is typed
   and handling backspace, then runs each line: a built-in command, or a program started
   with fork + exec and waited for. The kernel prints each program's "NAME: exit(N)" line;
   the shell adds nothing after a successful command, so transcripts stay short.

   Built-ins: help, exit [STATUS]. There is no cd: the file system is flat.
   End of input (read returns 0 or -1, or Ctrl-D on an empty line) exits the shell. */

#include "lib/stdio.h"
#include "lib/stdlib.h"
#include "lib/string.h"
#include "syscall.h"

#define SHELL_PROMPT   "kestrel> "
#define SHELL_LINE_MAX 127 /* the ABI's command-line limit is 128 bytes with the NUL */

enum shell_read_result { SHELL_LINE, SHELL_EOF };

/* Reads one line into LINE (at most SHELL_LINE_MAX bytes plus NUL), echoing as it goes.
   CR, LF or CR LF end a line; backspace/DEL erase; Ctrl-D on an empty line is end of
   input; other control characters are ignored. Excess characters are dropped (and not
   echoed). */
static enum shell_read_result shell_read_line(char *line)
{
  static bool last_was_cr;
  size_t len = 0;
  for (;;) {
    char c;
    if (read(0, &c, 1) != 1)
      return SHELL_EOF;
    if (c == '\n' && last_was_cr) {
      last_was_cr = false;
      continue;
    }
    last_was_cr = (c == '\r');
    if (c == '\r' || c == '\n') {
      line[len] = '\0';
      write(1, "\n", 1);
      return SHELL_LINE;
    }
    if (c == '\b' || c == 0x7f) {
      if (len > 0) {
        len--;
        write(1, "\b \b", 3);
      }
    } else if (c == 0x04) {
      if (len == 0) {
        write(1, "\n", 1);
        return SHELL_EOF;
      }
    } else if (c == 0x15) { /* Ctrl-U: erase the whole line */
      while (len > 0) {
        len--;
        write(1, "\b \b", 3);
      }
    } else if ((unsigned char)c >= 0x20 && len < SHELL_LINE_MAX) {
      line[len++] = c;
      write(1, &c, 1);
    }
  }
}

/* Copies the first word of LINE into WORD (size WORD_SIZE). */
static void shell_first_word(const char *line, char *word, size_t word_size)
{
  while (*line == ' ')
    line++;
  size_t n = 0;
  while (line[n] != '\0' && line[n] != ' ')
    n++;
  if (n >= word_size)
    n = word_size - 1;
  memcpy(word, line, n);
  word[n] = '\0';
}

static void shell_help(void)
{
  printf("Built-in commands:\n"
         "  help          this text\n"
         "  exit [N]      leave the shell with status N (default 0)\n"
         "Anything else runs a program from the file system: PROGRAM [ARGS...]\n"
         "(for example: echo hello, cat FILE, put FILE TEXT, rm FILE, halt).\n");
}

/* Runs LINE as a program: forks a child named after the program, which execs LINE (after
   checking that the program exists, since a failed exec ends the child). Waits for it and
   returns its exit status (-1 if it could not be started). */
static int shell_run(const char *line, const char *name)
{
  pid_t pid = fork(name);
  if (pid < 0) {
    printf("shell: fork failed\n");
    return -1;
  }
  if (pid == 0) {
    int fd = open(name);
    if (fd < 0) {
      printf("shell: cannot run '%s'\n", name);
      exit(-1);
    }
    close(fd);
    exec(line);
  }
  return wait(pid);
}

int main(int argc, char **argv)
{
  char line[SHELL_LINE_MAX + 1];
  char name[16];
  (void)argc;
  (void)argv;
  printf("Kestrel shell. Type 'help' for help.\n");
  for (;;) {
    write(1, SHELL_PROMPT, sizeof SHELL_PROMPT - 1);
    if (shell_read_line(line) == SHELL_EOF)
      break;
    shell_first_word(line, name, sizeof name);
    if (name[0] == '\0')
      continue;
    if (!strcmp(name, "exit")) {
      const char *arg = strstr(line, "exit") + 4;
      while (*arg == ' ')
        arg++;
      printf("Goodbye.\n");
      return atoi(arg);
    }
    if (!strcmp(name, "help"))
      shell_help();
    else
      shell_run(line, name);
  }
  printf("Goodbye.\n");
  return 0;
}
