/* Kestrel's interactive shell (the default program of `make run`).

   Reads command lines from the console with readline (echo, backspace, Ctrl-U, the left
   and right arrows move within the line, the up and down arrows step through the last
   READLINE_HISTORY_LINES lines, Ctrl-C abandons the line), then runs each line: a built-in
   command, or a program started with fork + exec and waited for. The kernel prints each
   program's "NAME: exit(N)" line (and "load: NAME: open failed" first when there is no
   such program); the shell adds nothing after a successful command, so transcripts stay
   short. Ctrl-C while a program runs is the kernel's: it ends that program with exit(-1)
   and the shell prompts again. A line over SHELL_LINE_MAX bytes is refused, not cut.

   Built-ins: help, exit [STATUS]. There is no cd: the file system is flat.
   End of input (read returns 0 or -1, or Ctrl-D on an empty line) exits the shell; the
   launcher sends Ctrl-D when piped input ends, so `echo ls | make run` powers off. */

#include "lib/stdio.h"
#include "lib/stdlib.h"
#include "lib/string.h"
#include "programs/lib/readline.h"
#include "syscall.h"

#define SHELL_PROMPT   "kestrel> "
#define SHELL_LINE_MAX 127 /* the ABI's command-line limit is 128 bytes with the NUL */

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
         "(for example: ls, echo hello, cat FILE, put FILE TEXT, rm FILE, halt;\n"
         "cat with no FILE copies what you type, until Ctrl-D on an empty line).\n"
         "Up and down arrows: earlier lines; left and right: move in the line.\n"
         "Ctrl-C: stop the running program, or abandon the line being typed.\n");
}

/* Runs LINE as a program: forks a child named after the program, which execs LINE (a
   failed exec ends the child with -1, after the kernel's "load: NAME: ..." line). Waits for
   it and returns its exit status (-1 if it could not be started or Ctrl-C ended it). */
static int shell_run(const char *line, const char *name)
{
  pid_t pid = fork(name);
  if (pid < 0) {
    printf("shell: fork failed\n");
    return -1;
  }
  if (pid == 0)
    exec(line);
  return wait(pid);
}

int main(int argc, char **argv)
{
  static struct readline_history history;
  char line[SHELL_LINE_MAX + 1];
  char name[16];
  (void)argc;
  (void)argv;
  printf("Kestrel shell. Type 'help' for help.\n");
  for (;;) {
    write(1, SHELL_PROMPT, sizeof SHELL_PROMPT - 1);
    enum readline_result r = readline(line, sizeof line, &history);
    if (r == READLINE_EOF)
      break;
    if (r == READLINE_INTERRUPT)
      continue;
    if (r == READLINE_TOO_LONG) {
      printf("shell: line too long: at most %d bytes (a command line's limit); not run\n",
             SHELL_LINE_MAX);
      continue;
    }
    shell_first_word(line, name, sizeof name);
    if (name[0] == '\0')
      continue;
    readline_history_add(&history, line);
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
