"""Where a test's emulated instructions go: a sampling profile of one Bochs run.

usage: python3 -m harness.profile TEST [--every N] [--from N] [--top N]
       make profile TEST=vm/oom-busy [EVERY=100000]

Boots TEST as make check does (its disks, memory, kernel words; default seed and ips) and
has Bochs's debugger execute N instructions at a time (`s N`; default 100,000, the first
stop after --from instructions), reading the instruction pointer at each stop. Each
sample is put in the kernel function that holds it (build/kernel.elf's symbols) or in
"(user)": a sample per N executed instructions, so halted time has none. Same kernel, same
test, same N: the same table. A stop moves later timer interrupts by a few instructions,
so the run sampled is a close sibling of the one make check judges, not byte for byte the
same, and its cycles are not reported. (Time breakpoints, the other way to stop Bochs at
fixed points, can end Bochs 2.7 with a failed assertion in its virtual timer when one
comes due while the CPU is halted.)
"""
import argparse
import bisect
import collections
import os
import re
import subprocess
import sys

from harness import bochs, debug, machine, testcfg
from harness.common import BUILD, HarnessError, die
from harness.console import read_run_console
from harness.running import spec_for_test

PROMPT_RE = re.compile(rb"<bochs:\d+> ")
STOP_RE = re.compile(rb"\(0\) \[0x[0-9a-f]+\] [0-9a-f]{4}:([0-9a-f]+)")
USER_TOP = 0x8004000000      # the kernel's half starts here (KERN_BASE)


def kernel_symbols(elf):
    """[(address, name)] of the functions in ELF, by address."""
    return sorted((int(addr, 16), name) for addr, name in debug.elf_symbols(elf, "tTwW"))


class Debugger:
    """Bochs's debugger on a pipe: commands in, the text up to each prompt out."""

    def __init__(self, workdir):
        self.proc = subprocess.Popen(["bochs", "-q", "-f", "bochsrc"], cwd=workdir,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, env=dict(os.environ, TERM="vt100"))
        self.buf = b""

    def until_prompt(self):
        """The output up to the next prompt, or None once Bochs has exited."""
        while True:
            m = PROMPT_RE.search(self.buf)
            if m:
                out, self.buf = self.buf[:m.end()], self.buf[m.end():]
                return out
            data = os.read(self.proc.stdout.fileno(), 65536)
            if not data:
                return None
            self.buf += data

    def send(self, text):
        try:
            self.proc.stdin.write(text.encode())
            self.proc.stdin.flush()
        except OSError:
            pass

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def sample(workdir, every, start, limit):
    """The instruction pointers of one run in WORKDIR, one per EVERY instructions executed
    from START on (at most LIMIT)."""
    dbg = Debugger(workdir)
    rips = []
    try:
        if dbg.until_prompt() is None:
            raise HarnessError("bochs exited before its first debugger prompt")
        dbg.send("s %d\n" % start)
        while len(rips) < limit:
            out = dbg.until_prompt()
            if out is None:
                break
            stop = STOP_RE.search(out)
            # A step cut short by the kernel's magic breakpoint (the VM trace ring) is
            # not a sample; the next one counts from there.
            if stop and b"Magic breakpoint" not in out:
                rips.append(int(stop.group(1), 16))
            dbg.send("s %d\n" % every)
    finally:
        dbg.close()
    return rips


def table(rips, syms):
    """[(samples, share, function)], most samples first, names breaking ties."""
    addrs = [a for a, _ in syms]
    count = collections.Counter()
    for r in rips:
        i = bisect.bisect_right(addrs, r) - 1
        count["(user)" if r < USER_TOP or i < 0 else syms[i][1]] += 1
    n = max(1, len(rips))
    return [(k, 100.0 * k / n, name) for name, k in sorted(count.items(), key=lambda x: (-x[1], x[0]))]


def profile(test_id, every, start, limit, elf):
    chosen = testcfg.select(testcfg.load_tests(), [test_id])   # raises with suggestions
    if len(chosen) != 1:
        raise HarnessError("%s names %d tests; give one" % (test_id, len(chosen)))
    test = chosen[0]
    syms = kernel_symbols(elf)
    machine.check_emulator("bochs")
    spec = spec_for_test(test)
    m = machine.Machine(spec)
    try:
        slots = m.prepare()
        bochs.BochsBackend(m).write_bochsrc(slots, "mode=file, dev=console.out")
        rips = sample(m.workdir, every, start, limit)
        console = read_run_console(m.workdir).decode("utf-8", "replace")
    finally:
        m.cleanup(force=True)
    return test, rips, table(rips, syms), console


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m harness.profile",
                                description="where a test's emulated instructions go (sampled)")
    p.add_argument("test", help="suite/name, as make check TESTS= takes it")
    p.add_argument("--every", type=int, default=100000, metavar="N",
                   help="instructions between samples (default 100000)")
    p.add_argument("--from", dest="start", type=int, default=None, metavar="N",
                   help="instructions before the first sample (default: --every)")
    p.add_argument("--top", type=int, default=30, help="functions shown (default 30)")
    p.add_argument("--max-samples", type=int, default=20000, help="stop sampling after this many")
    args = p.parse_args(argv)
    if not args.test.strip():
        p.error("name one test: make profile TEST=suite/name")
    if args.every < 1000:
        p.error("--every must be at least 1000 instructions")
    try:
        test, rips, rows, console = profile(args.test, args.every, args.start or args.every,
                                            args.max_samples, os.path.join(BUILD, "kernel.elf"))
    except HarnessError as e:
        die("profile", e)
    ended = "Powering off..." in console
    print("profile: %s, %d samples, one every %d instructions%s" % (
        test.id, len(rips), args.every, "" if ended else " (the run did not power off)"))
    for k, share, name in rows[:args.top]:
        print("%7d %5.1f%%  %s" % (k, share, name))
    return 0 if rips and ended else 1


if __name__ == "__main__":
    sys.exit(main())
