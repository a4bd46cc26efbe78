/* cat [FILE...]: copies each file to the console; with no FILE, copies the console input
   line by line (echoed as typed, like a terminal) until Ctrl-D on an empty line or the end
   of input. Exit status 1 if a file cannot be opened. */
#include "lib/stdio.h"
#include "lib/string.h"
#include "programs/lib/readline.h"
#include "syscall.h"

/* Copies console input to the console, one line per write. */
static void cat_input(void)
{
  char line[256];
  enum readline_result r;
  while ((r = readline(line, sizeof line - 1, NULL)) == READLINE_LINE || r == READLINE_TOO_LONG) {
    if (r == READLINE_TOO_LONG)
      printf("cat: line longer than %d bytes: only its start is copied\n", (int)sizeof line - 2);
    size_t n = strlen(line);
    line[n++] = '\n';
    write(1, line, (unsigned)n);
  }
}

int main(int argc, char **argv)
{
  static char buf[1024];
  int status = 0;
  if (argc < 2)
    cat_input();
  for (int i = 1; i < argc; i++) {
    int fd = open(argv[i]);
    if (fd < 0) {
      printf("cat: cannot open '%s'\n", argv[i]);
      status = 1;
      continue;
    }
    int n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
      write(1, buf, (unsigned)n);
    close(fd);
  }
  return status;
}
