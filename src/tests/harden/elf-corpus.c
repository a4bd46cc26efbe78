/* A corpus of malformed executables, each made from a copy of this program with one
   field broken (ABI 3 lists the rules). A child execs each: exec must end it with
   exit(-1) (never return, never panic). The unbroken copy runs and exits 33, which shows
   that the copies are faithful. A copy whose entry point is 0 loads, then dies on its
   first instruction. */
#include "tests/lib.h"

const char *test_name = "elf-corpus";

#define CORPUS_MAX     (128 * 1024)
#define KERN_BASE_ADDR 0x8004000000ULL

static uint8_t image[CORPUS_MAX], copy[CORPUS_MAX];
static int image_len;

enum field { F_U8, F_U16, F_U32, F_U64 };

struct mutation {
  const char *what;
  bool in_phdr; /* offset is inside the first PT_LOAD header, else in the ELF header */
  int offset;   /* byte offset of the field */
  enum field size;
  uint64_t value; /* new value; for ADD mutations added to the old one */
  bool add;
  int truncate; /* > 0: file cut to this many bytes instead */
};

static const struct mutation corpus[] = {
    {"bad magic", false, 1, F_U8, 'F', false, 0},
    {"32-bit class", false, 4, F_U8, 1, false, 0},
    {"big-endian", false, 5, F_U8, 2, false, 0},
    {"type DYN", false, 16, F_U16, 3, false, 0},
    {"machine i386", false, 18, F_U16, 3, false, 0},
    {"version 0", false, 20, F_U32, 0, false, 0},
    {"entry in kernel", false, 24, F_U64, KERN_BASE_ADDR, false, 0},
    {"phoff past the end", false, 32, F_U64, 0xfffffff0ULL, false, 0},
    {"phoff wraps", false, 32, F_U64, 0xfffffffffffffff0ULL, false, 0},
    {"phentsize 32", false, 54, F_U16, 32, false, 0},
    {"phnum 1025", false, 56, F_U16, 1025, false, 0},
    {"phnum 0", false, 56, F_U16, 0, false, 0},
    {"phnum past the end", false, 56, F_U16, 1000, false, 0},
    {"cut to 40 bytes", false, 0, F_U8, 0, false, 40},
    {"cut inside the headers", false, 0, F_U8, 0, false, 100},
    {"empty file", false, 0, F_U8, 0, false, -1},
    {"PT_INTERP", true, 0, F_U32, 3, false, 0},
    {"PT_DYNAMIC", true, 0, F_U32, 2, false, 0},
    {"PT_SHLIB", true, 0, F_U32, 5, false, 0},
    {"offset misaligned", true, 8, F_U64, 1, true, 0},
    {"offset past the end", true, 8, F_U64, 0x40000000ULL, true, 0},
    {"vaddr in page 0", true, 16, F_U64, 0, false, 0},
    {"vaddr in kernel", true, 16, F_U64, KERN_BASE_ADDR, false, 0},
    {"vaddr wraps", true, 16, F_U64, 0xfffffffffffff000ULL, false, 0},
    {"filesz past the end", true, 32, F_U64, 0x40000000ULL, false, 0},
    {"memsz below filesz", true, 40, F_U64, 0, false, 0},
    {"memsz into the kernel", true, 40, F_U64, KERN_BASE_ADDR, false, 0},
    {"memsz wraps", true, 40, F_U64, 0xfffffffffffff000ULL, false, 0},
    {"entry 0 (loads, then faults)", false, 24, F_U64, 0, false, 0},
};

static uint64_t field_get(const uint8_t *p, enum field size)
{
  uint64_t v = 0;
  int n = size == F_U8 ? 1 : size == F_U16 ? 2 : size == F_U32 ? 4 : 8;
  for (int i = n - 1; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

static void field_set(uint8_t *p, enum field size, uint64_t v)
{
  int n = size == F_U8 ? 1 : size == F_U16 ? 2 : size == F_U32 ? 4 : 8;
  for (int i = 0; i < n; i++, v >>= 8)
    p[i] = (uint8_t)v;
}

/* Offset of the first PT_LOAD program header of IMAGE. */
static int first_load_phdr(void)
{
  uint64_t phoff = field_get(image + 32, F_U64);
  int phnum = (int)field_get(image + 56, F_U16);
  for (int i = 0; i < phnum; i++) {
    int at = (int)phoff + i * 56;
    if (field_get(image + at, F_U32) == 1)
      return at;
  }
  fail("no PT_LOAD in own image");
}

/* Writes the first LEN bytes of COPY to a fresh file "m". */
static void corpus_write(int len)
{
  remove("m");
  REQUIRE(create("m", 0), "create m");
  int fd = open("m");
  REQUIRE(fd > 1, "open m");
  if (len > 0)
    REQUIRE(write(fd, copy, len) == len, "write m");
  close(fd);
}

/* Forks a child that execs CMDLINE; returns its exit status. */
static int corpus_run(const char *cmdline)
{
  pid_t pid = fork("m-kid");
  if (pid == 0) {
    exec(cmdline);
    exit(3);
  }
  return wait(pid);
}

void test_main(void)
{
  if (test_argc > 1)
    exit(33);
  int fd = open_file("elf-corpus");
  image_len = filesize(fd);
  REQUIRE(image_len > 0 && image_len <= CORPUS_MAX, "own image fits");
  read_all(fd, image, image_len, 0);
  close(fd);
  int load = first_load_phdr();

  memcpy(copy, image, image_len);
  corpus_write(image_len);
  CHECK(corpus_run("m ok") == 33, "the unbroken copy runs");
  for (size_t i = 0; i < sizeof corpus / sizeof corpus[0]; i++) {
    const struct mutation *m = &corpus[i];
    memcpy(copy, image, image_len);
    int len = image_len;
    if (m->truncate != 0) {
      len = m->truncate < 0 ? 0 : m->truncate;
    } else {
      uint8_t *p = copy + (m->in_phdr ? load : 0) + m->offset;
      field_set(p, m->size, m->add ? field_get(p, m->size) + m->value : m->value);
    }
    corpus_write(len);
    CHECK(corpus_run("m ok") == -1, "%s: exec ends the process with -1", m->what);
  }
}
