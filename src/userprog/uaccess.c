#include "userprog/uaccess.h"
#include "lib/string.h"
#include "threads/vaddr.h"

/* True if [UADDR, UADDR+N) lies in user space without wrapping. */
static bool range_is_user(const void *uaddr, size_t n)
{
  uint64_t a = (uint64_t)uaddr;
  return a + n >= a && a + n <= KERN_BASE;
}

bool uaccess_copy_in(void *kdst, const void *usrc, size_t n)
{
  return range_is_user(usrc, n) && uaccess_raw_copy(kdst, usrc, n) == 0;
}

bool uaccess_copy_out(void *udst, const void *ksrc, size_t n)
{
  return range_is_user(udst, n) && uaccess_raw_copy(udst, ksrc, n) == 0;
}

bool uaccess_check_writable(void *udst, size_t n)
{
  if (!range_is_user(udst, n))
    return false;
  uint8_t *u = udst, *end = u + n;
  while (u < end) {
    uint8_t byte;
    if (uaccess_raw_copy(&byte, u, 1) != 0 || uaccess_raw_copy(u, &byte, 1) != 0)
      return false;
    u = (uint8_t *)pg_round_down(u) + PGSIZE;
  }
  return true;
}

int64_t uaccess_copy_string(char *kdst, const char *ustr, size_t size)
{
  size_t done = 0;
  while (done < size) {
    const char *u = ustr + done;
    size_t chunk = PGSIZE - pg_ofs(u);
    if (chunk > size - done)
      chunk = size - done;
    if (!range_is_user(u, chunk) || uaccess_raw_copy(kdst + done, u, chunk) != 0)
      return -1;
    const char *nul = memchr(kdst + done, '\0', chunk);
    if (nul != NULL)
      return (int64_t)(nul - kdst);
    done += chunk;
  }
  return (int64_t)size;
}
