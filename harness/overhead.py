"""The launcher's own cost per run against a bare Bochs run of the same machine.

usage: python3 -m harness.overhead [--rounds N] [--pintos PATH] [TEST...]
       (default: threads/sleep-zero userprog/args-none, 5 rounds, this checkout's
       tools/pintos; --pintos times another launcher, such as an older checkout's)

For each test it builds the run directory the harness builds (same bochsrc, same disks)
and, in interleaved rounds, times three ways of booting it to power-off:
  bare      `bochs -q -f bochsrc -rc FILE` (FILE holds `c`), started here by hand;
  pintos    `tools/pintos --batch ...` as a person types it (interpreter start included);
  harness   the runner's in-process path (make check's cost per test, no interpreter start).
It prints the median and the least wall time, and the median CPU time (the process tree's
user+sys, which a loaded machine disturbs far less than wall time) of each, and the
differences to bare (the least wall times are the best estimate on a busy machine). For the
harness path it also splits the CPU to the microsecond (getrusage, not os.times's 10 ms
ticks): the harness's own (this process: run directory, disks, driving, console) and its
Bochs's (wait4 of the emulator) against the bare Bochs's, so the launcher's cost is not
lost in the noise of two Bochs runs.
It also prints the fixed costs: interpreter start, imports, run directory and disks, and
judging a console.
"""
import os
import resource
import shlex
import statistics
import subprocess
import sys
import time

from harness import bochs, machine, testcfg, verdict
from harness.console import POWER_OFF_LINE, clear_run_console, read_run_console
from harness.common import ROOT, HarnessError, die
from harness.running import spec_for_test

DEFAULT_TESTS = ["threads/sleep-zero", "userprog/args-none"]
# The debugger commands of a bare run: every run stops at a few magic breakpoints (the
# kernel hands its VM trace ring over there, harness/bochs.py), each continued with `c`;
# when the file runs out Bochs reads its stdin (/dev/null) and quits, so there are plenty.
CONTINUE = "c\n" * 4096


def timed(argv, **kw):
    """(wall seconds, CPU seconds of the whole process tree) of one command."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, **kw)
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - t0, usage.ru_utime + usage.ru_stime


def bare_dir(test):
    """A kept run directory for test with its bochsrc and a `c` command file."""
    m = machine.Machine(spec_for_test(test))
    slots = m.prepare()
    bochs.BochsBackend(m).write_bochsrc(slots, "mode=file, dev=console.out")
    with open(os.path.join(m.workdir, "cont.rc"), "w") as f:
        f.write(CONTINUE)
    return m


def run_bare(m):
    clear_run_console(m.workdir)
    wall, cpu = timed(["bochs", "-q", "-f", "bochsrc", "-rc", "cont.rc"], cwd=m.workdir,
                      env=dict(os.environ, TERM="vt100"))
    if not read_run_console(m.workdir).rstrip().endswith(POWER_OFF_LINE.encode()):
        raise HarnessError("the bare Bochs run of %s did not power off" % m.workdir)
    return wall, cpu


def run_pintos(test, launcher):
    argv = shlex.split(test.pintos_command())
    return timed([launcher, "--batch"] + argv[1:], cwd=ROOT)


def self_cpu():
    """CPU seconds of this process so far, to the microsecond (os.times counts 10 ms ticks)."""
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def run_inprocess(test, own=None):
    """(wall, CPU of the process tree) of one run on the harness's path; appends to own the
    (harness's own CPU, its emulator's CPU) of the run, each measured to the microsecond."""
    before = os.times()
    mine = self_cpu()
    t0 = time.perf_counter()
    res = machine.Machine(spec_for_test(test)).run()
    wall = time.perf_counter() - t0
    mine = self_cpu() - mine
    after = os.times()
    if res.status != "poweroff":
        raise HarnessError("%s did not power off under the harness: %s" % (test.id, res.detail))
    cpu = sum(after[i] - before[i] for i in range(4))
    if own is not None and res.cpu is not None:
        own.append((mine, res.cpu))
    return wall, cpu


def fixed_costs(tests):
    """Interpreter start, imports, run directory and disks, judging (milliseconds)."""
    def best(argv, n=5):
        return min(timed(argv, cwd=ROOT)[0] for _ in range(n)) * 1000
    interp = os.path.realpath(sys.executable)
    start = best([interp, "-c", "pass"])
    imports = best([interp, "-c", "import harness.pintos, harness.disks"]) - start
    prep = judge = 0.0
    for t in tests:
        m = machine.Machine(spec_for_test(t))
        a = time.perf_counter()
        m.prepare()
        prep += time.perf_counter() - a
        m.cleanup(force=True)
    sample = tests[0]
    res = machine.Machine(spec_for_test(sample)).run()
    a = time.perf_counter()
    verdict.judge(sample, res, os.path.join(ROOT, "expected"), True, None)
    judge = time.perf_counter() - a
    return start, imports, prep * 1000 / len(tests), judge * 1000


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    rounds = 5
    names = []
    launcher = os.path.join(ROOT, "tools", "pintos")
    try:
        it = iter(argv)
        for a in it:
            if a == "--rounds":
                try:
                    rounds = int(next(it, ""))
                except ValueError:
                    raise HarnessError("--rounds takes a number")
            elif a == "--pintos":
                launcher = os.path.abspath(next(it, ""))
                if not os.access(launcher, os.X_OK):
                    raise HarnessError("--pintos needs an executable launcher, not %r" % launcher)
            elif a.startswith("-"):
                raise HarnessError("unknown option %s (usage: python3 -m harness.overhead "
                                   "[--rounds N] [--pintos PATH] [TEST...])" % a)
            else:
                names.append(a)
        machine.check_emulator("bochs")
        tests = testcfg.select(testcfg.load_tests(), names or DEFAULT_TESTS)
        print("fixed costs: interpreter start %.0f ms, harness imports %.0f ms, run directory and "
              "disks %.1f ms, verdict %.2f ms" % fixed_costs(tests))
        for t in tests:
            m = bare_dir(t)
            try:
                rows = {"bare": [], "pintos": [], "harness": []}
                own = []
                for _ in range(rounds):
                    rows["bare"].append(run_bare(m))
                    rows["pintos"].append(run_pintos(t, launcher))
                    rows["harness"].append(run_inprocess(t, own))
            finally:
                m.cleanup(force=True)
            med = {k: (statistics.median(w for w, _ in v), min(w for w, _ in v),
                       statistics.median(c for _, c in v)) for k, v in rows.items()}
            bw, bl, bc = med["bare"]
            print("%s (%d rounds):" % (t.id, rounds))
            print("  %-20s wall median %.3f s, least %.3f s; cpu %.3f s" % ("bare bochs", bw, bl, bc))
            for k in ("pintos", "harness"):
                w, least, c = med[k]
                print("  %-20s wall median %.3f s, least %.3f s; cpu %.3f s; overhead: wall %+.3f s "
                      "(least %+.3f s), cpu %+.3f s"
                      % ("tools/pintos" if k == "pintos" else "harness (make check)", w, least, c,
                         w - bw, least - bl, c - bc))
            if own:
                mine = statistics.median(a for a, _ in own)
                emu = statistics.median(b for _, b in own)
                print("  %-20s its own CPU %.1f ms (median; min %.1f ms); its Bochs %.3f s against "
                      "bare %.3f s (%+.3f s)" % ("harness (make check)", mine * 1000,
                                                 min(a for a, _ in own) * 1000, emu, bc, emu - bc))
    except HarnessError as e:
        die("overhead", e)
    return 0


if __name__ == "__main__":
    sys.exit(main())
