/* No system call keeps the kernel from the timer for long: while this test makes the
   heaviest calls it can (one 1 MB write and one 1 MB read, mmap and munmap of 400 GB, 500
   mappings then their munmaps, fork of a process with 6 MB resident, exec of a program
   with a big bss, exit of all of it), the kernel measures the longest stretch between two
   timer interrupts; tests.cfg bounds it (stats_max tick_gap_max: 3 ms at the default
   ips, a 10 ms tick included). */
#include "tests/lib.h"

const char *test_name = "timer-gap";

#define GAP_FILE  (1024 * 1024)
#define GAP_RESID (2 * 1024 * 1024)
#define GAP_BASE  0x1000000000ULL

static char data[GAP_FILE];
static volatile char resident[GAP_RESID];

void test_main(void)
{
  if (test_argc > 1)
    exit(7);
  memset(data, 'g', sizeof data);
  create_file("big", 0);
  int fd = open_file("big");
  CHECK(write(fd, data, GAP_FILE) == GAP_FILE, "one 1 MB write");
  seek(fd, 0);
  CHECK(read(fd, data, GAP_FILE) == GAP_FILE, "one 1 MB read");
  void *p = mmap((void *)GAP_BASE, 400ULL << 30, 1, fd, 0);
  CHECK(p != NULL, "mmap of 400 GB");
  munmap(p);
  for (int i = 0; i < 500; i++)
    REQUIRE(mmap((void *)(GAP_BASE + i * 8192ULL), 4096, 0, fd, 0) != NULL, "mmap %d", i);
  for (int i = 0; i < 500; i++)
    munmap((void *)(GAP_BASE + i * 8192ULL));
  msg("500 mappings made and removed");
  for (size_t i = 0; i < GAP_RESID; i += 4096)
    resident[i] = 1;
  pid_t pid = fork("gap-kid");
  if (pid == 0) {
    exec("timer-gap child");
    exit(3);
  }
  CHECK(wait(pid) == 7, "fork of 3 MB resident, then exec");
  close(fd);
}
