"""Boots the benchmark workloads: exactly the machine `make check` boots for a test.

The only module of harness/vmbench that uses the rest of the harness, and only through
these pieces: testcfg.load_tests / Test (the test declarations and their kernel command
line, files, memory, swap and limits), machine.RunSpec / Machine.run (one run under
Bochs), verdict.parse_stats (the STATS line).
"""
import re
from concurrent.futures import ThreadPoolExecutor

from harness import machine, testcfg, verdict

UNKNOWN_OPTION_RE = re.compile(r"^Unknown option: (\S+)", re.M)
BOOT_IMG = None         # another kernel's boot disk (--boot-img); None: build/boot.img


class Run:
    """One boot of one test with extra kernel options.

    status: ok (powered off cleanly, nothing leaked), unsupported (the kernel refused an
    option), or failed (panic, timeout, leak, or the program did not finish); detail says why."""

    def __init__(self, test, extra, res):
        self.test = test
        self.extra = list(extra)
        self.text = res.text()
        self.trace = res.trace          # the VM trace's bytes when the run kept it
        self.stats = verdict.parse_stats(self.text)
        self.status, self.detail = classify(test, self.text, self.stats, res.status, res.detail)

    def lines(self):
        """Console lines of the program (the ones starting with "(")."""
        return [l for l in self.text.splitlines() if l.startswith("(")]


def classify(test, text, stats, status, detail):
    """(status, detail) of a run; see Run."""
    m = UNKNOWN_OPTION_RE.search(text)
    if m:
        return "unsupported", "kernel has no option %s" % m.group(1)
    if status != "poweroff":
        return "failed", "%s%s" % (status, ": " + detail if detail else "")
    if "PANIC" in text:
        return "failed", "kernel panic"
    if not stats:
        return "failed", "no STATS line"
    if stats.get("upool_used", 0) != 0 or stats.get("kpool_used") != stats.get("kpool_boot"):
        return "failed", "leaked pages (upool_used=%s, kpool_used=%s, kpool_boot=%s)" % (
            stats.get("upool_used"), stats.get("kpool_used"), stats.get("kpool_boot"))
    for key in ("swap_used", "frames_pinned"):
        if stats.get(key, 0) != 0:
            return "failed", "%s=%d at power-off" % (key, stats[key])
    if "Execution of '%s' complete." % test.cmdline not in text:
        return "failed", "the program did not finish"
    name = test.cmdline.split()[0]
    if re.search(r"^%s: exit\((?!0\))" % re.escape(name), text, re.M):
        return "failed", "the program exited with an error (out of memory without swap?)"
    return "ok", ""


def bench_tests(program):
    """The bench = yes tests (sorted by id) whose program is PROGRAM (None: all of them)."""
    return [t for t in testcfg.load_tests()
            if t.bench and program in (None, t.cmdline.split()[0])]


def boot(test, extra, boot_img=None, trace=False):
    """Runs TEST once with kernel options EXTRA appended to its own (BOOT_IMG: another
    kernel's boot disk; TRACE: keep the VM trace); returns a Run."""
    words = test.kernel_words()
    words = words[:-2] + list(extra) + words[-2:]
    spec = machine.RunSpec(words, boot_img=boot_img or BOOT_IMG, trace=trace, mem=test.mem, put_files=test.put_files(), fs_mb=test.fs_disk,
                           swap_mb=test.swap, scratch_mb=test.scratch, timeout=test.timeout,
                           quiet=test.quiet)
    return Run(test, extra, machine.Machine(spec).run())


def boot_all(jobs, pairs):
    """Runs every (test, extra options[, boot disk, trace]) tuple, JOBS at a time; Runs in
    the same order."""
    with ThreadPoolExecutor(max(1, jobs)) as pool:
        return list(pool.map(lambda p: boot(*p), pairs))


def abort():
    """Stops every emulator started (Ctrl-C)."""
    machine.abort_all()
