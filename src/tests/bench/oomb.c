/* `oomb KIDS PAGES [par]`: the kill-latency workload of make bench (issue 18). Forks KIDS
   children, one after another (or all at once with "par"), each writing PAGES pages, more
   than the user pool plus swap hold, so each is killed when memory runs out; the kernel's
   STATS line gives the cycles from each failing allocation to the exit line (oom_cycles,
   oom_cycles_max). Exits 0 if every child was killed or finished. */
#include "lib/stdlib.h"
#include "tests/lib.h"

const char *test_name = "oomb";

#define MAX_PAGES 2048
#define WORDS     (PAGE_SIZE / sizeof(uint64_t))

static volatile uint64_t area[MAX_PAGES][WORDS] __attribute__((aligned(PAGE_SIZE)));

static pid_t oomb_spawn(size_t pages)
{
  pid_t pid = fork("victim");
  if (pid == 0) {
    for (size_t p = 0; p < pages; p++)
      area[p][p % WORDS] = p;
    exit(0);
  }
  return pid;
}

int main(int argc, char **argv)
{
  int kids = argc > 1 ? atoi(argv[1]) : 0;
  size_t pages = argc > 2 ? (size_t)atoi(argv[2]) : 0;
  bool par = argc > 3 && !strcmp(argv[3], "par");
  if (kids <= 0 || kids > 16 || pages == 0 || pages > MAX_PAGES) {
    printf("usage: oomb KIDS PAGES [par]\n");
    return 2;
  }
  pid_t pids[16];
  for (int k = 0; k < kids; k++) {
    pids[k] = oomb_spawn(pages);
    if (pids[k] < 0)
      return 1;
    if (!par && wait(pids[k]) != -1)
      return 1;
  }
  for (int k = 0; par && k < kids; k++) {
    int s = wait(pids[k]);
    if (s != -1 && s != 0)
      return 1;
  }
  return 0;
}
