/* Process entry point (ABI section 2): the kernel enters _start with argc in rdi, argv in
   rsi and a fake return address at [rsp]. The stack pointer the kernel picks need not be
   16-byte aligned as the SysV ABI wants at a call, so realign before running C code
   (compiled code may use aligned SSE stores to the stack). */

#include "syscall.h"

int main(int argc, char **argv);
void _start(int argc, char **argv) NO_RETURN;

__attribute__((force_align_arg_pointer, used)) void _start(int argc, char **argv)
{
  exit(main(argc, argv));
}
