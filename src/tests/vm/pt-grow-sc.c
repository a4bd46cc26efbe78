/* Stack growth whose first touch happens inside the kernel: read() into a fresh 32 kB
   local array. The kernel must grow the stack (judged against the user rsp saved at
   system-call entry) rather than kill the process. */
#include "tests/vm/vm-util.h"

const char *test_name = "pt-grow-sc";

#define BUF_SIZE (32 * 1024)

static char data[BUF_SIZE];

/* Reads the file into an untouched local buffer; returns the number of pages that were
   not present before the read, or -1 if the data is wrong. */
static int __attribute__((noinline)) read_into_stack(int fd)
{
  char buf[BUF_SIZE];
  const void *addr = buf;
  __asm__ volatile("" : "+r"(addr)); /* only the address is used, not the contents */
  size_t absent = BUF_SIZE / 4096 + 1 - pages_present(addr, BUF_SIZE);
  if (read(fd, buf, BUF_SIZE) != BUF_SIZE)
    return -1;
  if (memcmp(buf, data, BUF_SIZE) != 0)
    return -1;
  return (int)absent;
}

void test_main(void)
{
  fill_random(data, sizeof data, 404);
  create_file("stackfood", 0);
  int fd = open_file("stackfood");
  write_all(fd, data, sizeof data, 0);
  seek(fd, 0);
  int absent = read_into_stack(fd);
  CHECK(absent >= 7, "read filled a 32 kB buffer on untouched stack pages");
  close(fd);
}
