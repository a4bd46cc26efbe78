/* Seeded system-call fuzzer. `sc-fuzz SEED CHILDREN CALLS [v]` forks CHILDREN children one
   after the other; child K issues up to CALLS random system calls drawn from (SEED, K):
   arguments from valid buffers, NULL, kernel addresses, unmapped and page-straddling
   addresses, strings unterminated at the end of a page, huge lengths, bad descriptors.
   Each call is classed from the ABI (shared/ABI.md) before it is made:
     must-succeed  the call returns (whatever it returns);
     may-kill      the call may return or kill the process with exit(-1);
     must-kill     the call kills the process (it ends the child's sequence).
   Every call goes through fuzz_syscall, which loads random values into every register the
   ABI preserves and checks them after `syscall` returns.

   A child records the index of the call it is about to make in a page of the file
   "fzprog" mapped into it, so that after it dies the parent knows which call killed it
   (dirty mapped pages are written back even when a process is killed). A child that dies
   on a must-succeed call is replayed (same seed, same calls, up to that one) to show that
   the death reproduces, and the call is named. A must-kill call that returns and a
   clobbered register are failures too. Output: "(sc-fuzz) FAIL ..." lines, one per
   failure, then a summary of what the generator produced (with `v`, also what the run
   did: calls made, children killed, TSC cycles). */
#include "tests/lib.h"
#include "lib/stdlib.h"
#include "lib/syscall-nr.h"

const char *test_name = "sc-fuzz";

#define FUZZ_KERN_BASE 0x8004000000ULL
#define FUZZ_UNMAPPED  0x20000000ULL
#define FUZZ_PROG_ADDR 0x30000000ULL /* progress page (file "fzprog") */
#define FUZZ_PAD_ADDR  0x30100000ULL /* one mapped page with nothing after it ("fzpad") */
#define FUZZ_MMAP_BASE 0x31000000ULL /* where the fuzzed mmap calls aim */
#define FUZZ_POOL_SIZE (3 * PAGE_SIZE)
#define FUZZ_FD_HIGH   12

enum fuzz_class { FUZZ_MUST_SUCCEED, FUZZ_MAY_KILL, FUZZ_MUST_KILL };
static const char *const fuzz_class_names[] = {"must-succeed", "may-kill", "must-kill"};

/* The page shared with the parent through "fzprog". */
struct fuzz_progress {
  uint64_t started; /* index of the call being made */
  uint64_t done;    /* calls that returned */
  uint64_t verdict; /* 0 ok, FUZZ_V_* */
  uint64_t detail;  /* register index for FUZZ_V_REGS */
};
#define FUZZ_V_RETURNED 2 /* a must-kill call returned */
#define FUZZ_V_REGS     3 /* a preserved register changed */

/* Registers in and out of fuzz_syscall: [0] rax, [1..6] rdi rsi rdx r10 r8 r9,
   [7..12] rbx rbp r12 r13 r14 r15, [13] rsp after, [14] rsp before. */
#define FUZZ_NREGS 15
static const char *const fuzz_reg_names[] = {"rax", "rdi", "rsi", "rdx", "r10", "r8",  "r9", "rbx",
                                             "rbp", "r12", "r13", "r14", "r15", "rsp", "rsp"};

uint64_t fuzz_syscall(const uint64_t *in, uint64_t *out);
__asm__(".text\n"
        ".globl fuzz_syscall\n"
        "fuzz_syscall:\n"
        "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
        "  push %rsi\n"
        "  mov %rsi, %rcx\n"
        "  mov %rsp, 112(%rcx)\n"
        "  mov 0(%rdi), %rax\n"
        "  mov 56(%rdi), %rbx\n  mov 64(%rdi), %rbp\n  mov 72(%rdi), %r12\n"
        "  mov 80(%rdi), %r13\n  mov 88(%rdi), %r14\n  mov 96(%rdi), %r15\n"
        "  mov 16(%rdi), %rsi\n  mov 24(%rdi), %rdx\n  mov 32(%rdi), %r10\n"
        "  mov 40(%rdi), %r8\n  mov 48(%rdi), %r9\n  mov 8(%rdi), %rdi\n"
        "  syscall\n"
        "  mov (%rsp), %r11\n"
        "  mov %rax, 0(%r11)\n  mov %rdi, 8(%r11)\n  mov %rsi, 16(%r11)\n  mov %rdx, 24(%r11)\n"
        "  mov %r10, 32(%r11)\n  mov %r8, 40(%r11)\n  mov %r9, 48(%r11)\n  mov %rbx, 56(%r11)\n"
        "  mov %rbp, 64(%r11)\n  mov %r12, 72(%r11)\n  mov %r13, 80(%r11)\n  mov %r14, 88(%r11)\n"
        "  mov %r15, 96(%r11)\n  mov %rsp, 104(%r11)\n"
        "  pop %rsi\n"
        "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n"
        "  ret\n");

static uint8_t pool[FUZZ_POOL_SIZE] __attribute__((aligned(4096)));
static const char fuzz_ro_text[] = "read-only string";

/* One generated call: number, arguments, class, and a description for reports. */
struct fuzz_call {
  uint64_t nr, arg[6];
  enum fuzz_class cls;
  char desc[96];
};

/* splitmix64 step: the generator of everything below is a pure function of its state. */
static uint64_t fuzz_next(uint64_t *s)
{
  uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

static uint64_t fuzz_below(uint64_t *s, uint64_t n) { return fuzz_next(s) % n; }

/* Kinds of pointer an argument can get, with the class a buffer of that kind gives the call
   (for a buffer the kernel writes, WRITE; for one it reads, not). */
enum fuzz_ptr { P_VALID, P_NULL, P_KERNEL, P_UNMAPPED, P_STRADDLE, P_RODATA, P_TOP_USER };

static enum fuzz_ptr fuzz_pick_ptr(uint64_t *s)
{
  uint64_t r = fuzz_below(s, 100);
  if (r < 92)
    return P_VALID;
  static const enum fuzz_ptr bad[] = {P_NULL,     P_KERNEL, P_UNMAPPED,
                                      P_STRADDLE, P_RODATA, P_TOP_USER};
  return bad[r % 6];
}

/* Address of kind K for a buffer of N bytes (N > 0). */
static uint64_t fuzz_ptr_value(uint64_t *s, enum fuzz_ptr k, uint64_t n)
{
  switch (k) {
  case P_VALID:
    return (uint64_t)pool + fuzz_below(s, FUZZ_POOL_SIZE - (n <= FUZZ_POOL_SIZE ? n : 0) + 1);
  case P_NULL:
    return fuzz_below(s, 4) == 0 ? 0 : fuzz_below(s, PAGE_SIZE);
  case P_KERNEL:
    return FUZZ_KERN_BASE + fuzz_below(s, 1 << 20);
  case P_UNMAPPED:
    return FUZZ_UNMAPPED + fuzz_below(s, 1 << 20);
  case P_STRADDLE:
    return FUZZ_PAD_ADDR + PAGE_SIZE - 1 - fuzz_below(s, n < 64 ? n : 64);
  case P_RODATA:
    return (uint64_t)fuzz_ro_text;
  case P_TOP_USER:
    return FUZZ_KERN_BASE - (n < 2 ? 1 : 1 + fuzz_below(s, n - 1 < 16 ? n - 1 : 16));
  }
  return 0;
}

/* Class of a call by its buffer of N bytes of kind K. Unmapped, straddling and read-only
   buffers may kill: the call may fail on its descriptor before it touches them. */
static enum fuzz_class fuzz_buffer_class(enum fuzz_ptr k, uint64_t n)
{
  if (n == 0)
    return FUZZ_MUST_SUCCEED;
  switch (k) {
  case P_VALID:
    return n <= FUZZ_POOL_SIZE ? FUZZ_MUST_SUCCEED : FUZZ_MAY_KILL;
  case P_NULL:
  case P_KERNEL:
    return FUZZ_MUST_KILL;
  case P_TOP_USER:
    return n >= 2 ? FUZZ_MUST_KILL : FUZZ_MAY_KILL;
  default:
    return FUZZ_MAY_KILL;
  }
}

/* A string argument: a valid name, an over-long one, "", or a bad pointer (must-kill),
   including a string with no NUL before the end of the last mapped page. */
static uint64_t fuzz_string(uint64_t *s, enum fuzz_class *cls)
{
  static const char *const names[] = {"fa", "fb", "fc", "fd", "", "a-name-far-too-long-for-kfs"};
  uint64_t r = fuzz_below(s, 100);
  if (r < 95) {
    *cls = FUZZ_MUST_SUCCEED;
    return (uint64_t)names[r % 6];
  }
  *cls = FUZZ_MUST_KILL;
  switch (r % 5) {
  case 0:
    return 0;
  case 1:
    return FUZZ_KERN_BASE + fuzz_below(s, PAGE_SIZE);
  case 2:
    return FUZZ_UNMAPPED;
  case 3:
    return FUZZ_KERN_BASE - 1;
  default:
    return FUZZ_PAD_ADDR + PAGE_SIZE - 1 - fuzz_below(s, 32); /* no NUL: runs off the page */
  }
}

/* A descriptor: usually 2..FUZZ_FD_HIGH (open files or closed slots), sometimes a bad
   number. Never 0 or 1 (reading the keyboard would block; console writes of random bytes
   would garble the output). */
static int64_t fuzz_fd(uint64_t *s)
{
  static const int64_t bad[] = {-1, 128, 1000, -2147483648LL, 0x7fffffff};
  if (fuzz_below(s, 10) < 8)
    return 2 + (int64_t)fuzz_below(s, FUZZ_FD_HIGH - 1);
  return bad[fuzz_below(s, 5)];
}

/* A length: mostly small, sometimes 0, a page or more, or huge. */
static uint64_t fuzz_len(uint64_t *s)
{
  static const uint64_t big[] = {PAGE_SIZE, PAGE_SIZE + 1, FUZZ_POOL_SIZE, 0x7fffffff, 0xffffffff};
  uint64_t r = fuzz_below(s, 10);
  if (r == 0)
    return 0;
  if (r < 8)
    return 1 + fuzz_below(s, 600);
  return big[fuzz_below(s, 5)];
}

/* Fills C with call I of child CHILD under SEED. */
static void fuzz_generate(uint64_t seed, int child, int i, struct fuzz_call *c)
{
  uint64_t st = seed * 0x100000001B3ULL ^ ((uint64_t)child << 32) ^ (uint64_t)i;
  uint64_t *s = &st;
  fuzz_next(s);
  memset(c, 0, sizeof *c);
  c->cls = FUZZ_MUST_SUCCEED;
  enum fuzz_class k;
  uint64_t r = fuzz_below(s, 1000);
  if (r < 320) { /* read (below 160) or write */
    uint64_t n = fuzz_len(s);
    enum fuzz_ptr p = fuzz_pick_ptr(s);
    c->nr = r < 160 ? SYS_READ : SYS_WRITE;
    c->arg[0] = (uint64_t)fuzz_fd(s);
    c->arg[1] = fuzz_ptr_value(s, p, n ? n : 1);
    c->arg[2] = n;
    c->cls = fuzz_buffer_class(p, n);
  } else if (r < 400) { /* create */
    c->nr = SYS_CREATE;
    c->arg[0] = fuzz_string(s, &c->cls);
    c->arg[1] = fuzz_below(s, 4) == 0 ? 0xffffffffULL : fuzz_below(s, 5000);
  } else if (r < 460) { /* remove */
    c->nr = SYS_REMOVE;
    c->arg[0] = fuzz_string(s, &c->cls);
  } else if (r < 560) { /* open */
    c->nr = SYS_OPEN;
    c->arg[0] = fuzz_string(s, &c->cls);
  } else if (r < 640) { /* close */
    c->nr = SYS_CLOSE;
    c->arg[0] = (uint64_t)fuzz_fd(s);
  } else if (r < 680) {
    c->nr = SYS_FILESIZE;
    c->arg[0] = (uint64_t)fuzz_fd(s);
  } else if (r < 720) {
    c->nr = SYS_SEEK;
    c->arg[0] = (uint64_t)fuzz_fd(s);
    c->arg[1] = fuzz_below(s, 3) == 0 ? 0xfffffff0ULL : fuzz_below(s, 9000);
  } else if (r < 740) {
    c->nr = SYS_TELL;
    c->arg[0] = (uint64_t)fuzz_fd(s);
  } else if (r < 780) { /* dup2: never from or onto the console */
    c->nr = SYS_DUP2;
    c->arg[0] = (uint64_t)fuzz_fd(s);
    c->arg[1] = (uint64_t)fuzz_fd(s);
  } else if (r < 840) { /* mmap */
    static const uint64_t lens[] = {0, 1, PAGE_SIZE, 3 * PAGE_SIZE, 64 * PAGE_SIZE, 100ULL << 30};
    static const int32_t ofs[] = {0, PAGE_SIZE, 1, -PAGE_SIZE};
    uint64_t a = fuzz_below(s, 8);
    c->nr = SYS_MMAP;
    c->arg[0] = a < 5    ? FUZZ_MMAP_BASE + fuzz_below(s, 64) * PAGE_SIZE
                : a == 5 ? 0
                : a == 6 ? FUZZ_MMAP_BASE + 123
                         : FUZZ_KERN_BASE - (1ULL << 30);
    c->arg[1] = lens[fuzz_below(s, 6)];
    c->arg[2] = fuzz_below(s, 2);
    c->arg[3] = (uint64_t)fuzz_fd(s);
    c->arg[4] = (uint64_t)(int64_t)ofs[fuzz_below(s, 4)];
  } else if (r < 880) {
    c->nr = SYS_MUNMAP;
    c->arg[0] = FUZZ_MMAP_BASE + fuzz_below(s, 64) * PAGE_SIZE + (fuzz_below(s, 8) == 0 ? 7 : 0);
  } else if (r < 900) {
    c->nr = SYS_WAIT;
    c->arg[0] = fuzz_below(s, 2) ? fuzz_below(s, 64) : (uint64_t)-1;
  } else if (r < 920) { /* fork: the grandchild checks its registers and exits at once */
    c->nr = SYS_FORK;
    c->arg[0] = fuzz_string(s, &c->cls);
    if (c->cls == FUZZ_MUST_SUCCEED)
      c->arg[0] = (uint64_t) "fz-g";
  } else if (r < 925) { /* exec of a missing program or a bad pointer: always ends the caller */
    c->nr = SYS_EXEC;
    c->arg[0] = fuzz_string(s, &k);
    c->cls = FUZZ_MUST_KILL;
  } else if (r < 955) {
    enum fuzz_ptr p = fuzz_pick_ptr(s);
    c->nr = SYS_PFSTAT;
    c->arg[0] = fuzz_ptr_value(s, p, 56);
    c->cls = fuzz_buffer_class(p, 56);
    if (p == P_VALID && c->arg[0] + 56 > (uint64_t)pool + FUZZ_POOL_SIZE)
      c->arg[0] -= 56;
  } else if (r < 995) { /* file-system project calls: may fail, pointers unspecified */
    static const uint64_t fs_calls[] = {SYS_CHDIR,   SYS_MKDIR,   SYS_READDIR, SYS_ISDIR,
                                        SYS_INUMBER, SYS_SYMLINK, SYS_MOUNT,   SYS_UMOUNT};
    c->nr = fs_calls[fuzz_below(s, 8)];
    c->arg[0] = fuzz_string(s, &k);
    c->arg[1] = fuzz_string(s, &k);
    c->arg[2] = fuzz_next(s);
    c->cls = FUZZ_MAY_KILL;
  } else { /* unknown call numbers */
    static const uint64_t nrs[] = {25, 26, 63, 65, 200, 0x7fffffff, (uint64_t)-1, 1ULL << 40};
    c->nr = nrs[fuzz_below(s, 8)];
    c->cls = FUZZ_MUST_KILL;
  }
  snprintf(c->desc, sizeof c->desc, "nr=%llu(%#llx, %#llx, %#llx, %#llx, %#llx)",
           (unsigned long long)c->nr, (unsigned long long)c->arg[0], (unsigned long long)c->arg[1],
           (unsigned long long)c->arg[2], (unsigned long long)c->arg[3],
           (unsigned long long)c->arg[4]);
}

/* Number of calls child CHILD makes: up to CALLS, ending at the first must-kill call. */
static int fuzz_sequence_len(uint64_t seed, int child, int calls)
{
  struct fuzz_call c;
  for (int i = 0; i < calls; i++) {
    fuzz_generate(seed, child, i, &c);
    if (c.cls == FUZZ_MUST_KILL)
      return i + 1;
  }
  return calls;
}

/* Body of a child: the first LIMIT calls of its sequence. Records progress in PROG. */
static void NO_RETURN fuzz_child(uint64_t seed, int child, int limit)
{
  volatile struct fuzz_progress *prog = (struct fuzz_progress *)FUZZ_PROG_ADDR;
  int fd = open("fzprog");
  if (fd < 0 || mmap((void *)FUZZ_PROG_ADDR, PAGE_SIZE, 1, fd, 0) == NULL)
    exit(5);
  int pfd = open("fzpad");
  if (pfd < 0 || mmap((void *)FUZZ_PAD_ADDR, PAGE_SIZE, 1, pfd, 0) == NULL)
    exit(5);
  memset((void *)FUZZ_PAD_ADDR, 'x', PAGE_SIZE);
  uint64_t rs = seed ^ 0xC0FFEEULL ^ (uint64_t)child;
  for (int i = 0; i < limit; i++) {
    struct fuzz_call c;
    uint64_t in[FUZZ_NREGS], out[FUZZ_NREGS];
    fuzz_generate(seed, child, i, &c);
    in[0] = c.nr;
    for (int a = 0; a < 6; a++)
      in[1 + a] = c.arg[a];
    for (int r = 7; r < 13; r++)
      in[r] = fuzz_next(&rs);
    memset((void *)(FUZZ_PAD_ADDR + PAGE_SIZE - 64), 'x', 64);
    prog->started = (uint64_t)i;
    fuzz_syscall(in, out);
    if (c.nr == SYS_FORK && out[0] == 0) {
      for (int r = 1; r < 13; r++)
        if (out[r] != in[r])
          exit(3);
      exit(0);
    }
    /* The grandchild writes its copy of the progress page back when it exits: let that
       happen before this child records anything newer. */
    if (c.nr == SYS_FORK && (int64_t)out[0] > 0)
      wait((pid_t)out[0]);
    for (int r = 1; r < 14; r++) {
      uint64_t want = r == 13 ? out[14] : in[r];
      if (out[r] != want) {
        prog->verdict = FUZZ_V_REGS;
        prog->detail = (uint64_t)r;
        exit(3);
      }
    }
    prog->done = (uint64_t)i + 1;
    if (c.cls == FUZZ_MUST_KILL) {
      prog->verdict = FUZZ_V_RETURNED;
      exit(2);
    }
  }
  exit(0);
}

/* Runs child CHILD (first LIMIT calls) and returns its status; *PROG gets its progress. */
static int fuzz_run_child(uint64_t seed, int child, int limit, struct fuzz_progress *prog)
{
  remove("fzprog");
  REQUIRE(create("fzprog", PAGE_SIZE), "create fzprog");
  pid_t pid = fork("fz");
  if (pid == 0)
    fuzz_child(seed, child, limit);
  REQUIRE(pid >= 0, "fork failed");
  int status = wait(pid);
  int fd = open("fzprog");
  REQUIRE(fd > 1, "open fzprog");
  memset(prog, 0, sizeof *prog);
  read(fd, prog, sizeof *prog);
  close(fd);
  return status;
}

static uint64_t fuzz_rdtsc(void)
{
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((uint64_t)hi << 32) | lo;
}

void test_main(void)
{
  REQUIRE(test_argc >= 4, "usage: sc-fuzz SEED CHILDREN CALLS [v]");
  uint64_t seed = (uint64_t)atoi(test_argv[1]);
  int children = atoi(test_argv[2]), calls = atoi(test_argv[3]);
  bool verbose = test_argc > 4;
  REQUIRE(create("fzpad", PAGE_SIZE), "create fzpad");
  long generated = 0, made = 0, killed = 0, failures = 0, by_class[3] = {0, 0, 0};
  uint64_t t0 = fuzz_rdtsc();
  for (int k = 0; k < children; k++) {
    int len = fuzz_sequence_len(seed, k, calls);
    generated += len;
    for (int i = 0; i < len; i++) {
      struct fuzz_call c;
      fuzz_generate(seed, k, i, &c);
      by_class[c.cls]++;
    }
    struct fuzz_progress prog;
    int status = fuzz_run_child(seed, k, len, &prog);
    made += status == -1 ? (long)prog.started + 1 : (long)prog.done;
    struct fuzz_call c;
    fuzz_generate(seed, k, (int)prog.started, &c);
    if (status == 0 || (status == -1 && c.cls != FUZZ_MUST_SUCCEED)) {
      killed += status == -1;
      continue;
    }
    failures++;
    if (status == -1) {
      struct fuzz_progress again;
      int st2 = fuzz_run_child(seed, k, (int)prog.started + 1, &again);
      msg("FAIL seed %llu child %d call %llu (%s): %s killed the process; replayed: %s",
          (unsigned long long)seed, k, (unsigned long long)prog.started, fuzz_class_names[c.cls],
          c.desc,
          st2 == -1 && again.started == prog.started ? "killed again at the same call"
                                                     : "did not reproduce");
    } else if (status == 2) {
      msg("FAIL seed %llu child %d call %llu (must-kill): %s returned", (unsigned long long)seed, k,
          (unsigned long long)prog.started, c.desc);
    } else if (status == 3) {
      msg("FAIL seed %llu child %d call %llu: %s changed register %s", (unsigned long long)seed, k,
          (unsigned long long)prog.started, c.desc,
          fuzz_reg_names[prog.detail < FUZZ_NREGS ? prog.detail : 0]);
    } else {
      msg("FAIL seed %llu child %d: exit status %d after call %llu (%s)", (unsigned long long)seed,
          k, status, (unsigned long long)prog.started, c.desc);
    }
  }
  uint64_t t1 = fuzz_rdtsc();
  msg("seed %llu: %d children, %ld calls generated (%ld must-succeed, %ld may-kill, %ld must-kill)",
      (unsigned long long)seed, children, generated, by_class[0], by_class[1], by_class[2]);
  if (verbose)
    msg("run: %ld calls made, %ld children killed, %llu cycles, %llu cycles per call", made, killed,
        (unsigned long long)(t1 - t0), (unsigned long long)(made ? (t1 - t0) / (uint64_t)made : 0));
  msg("%ld failures", failures);
}
