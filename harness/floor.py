"""make bench (last part): make check's whole selection against its floor, and the
emulated tests on the fast and on the classic Bochs machine side by side, in one run.

usage: python3 -m harness.floor [--tests 'GLOBS'] [-j N] [--rounds N]
       (default: everything `make check` runs, jobs as make check, 3 calibration rounds)

The fast side is make check itself: every item of the selection (emulated tests with their
verdicts, host unit tests, the harness's self-tests, the Pintos-KAIST slice, expect
scripts) run as `make check` runs them, each item's CPU counted: the processes it started
(Bochs, gcc, scripts; wait4) and the harness thread that ran it; processes orphaned by
their parents (expect's Bochs, Chromium's helpers) are reaped at the end and counted
apart. The classic side boots every emulated test once (no verdict). For each emulated
test it records:
  - cycles before kernel entry (the STATS line's entry_tsc: BIOS and boot sector; on the
    classic machine mostly the BIOS's halted boot-menu wait),
  - after entry (tsc - entry_tsc, exact): user and idle cycles (the kernel's timer ticks,
    each worth ips/100 cycles; idle is halted time) and the kernel's, the rest,
  - cycles from the power-off statistics (STATS tsc) to the machine's stop (Bochs's log):
    the serial line sending the statistics, halted.
The floor is what no launcher can beat under Bochs: per emulated test, a bare Bochs start,
boot and power-off of the lightest test (measured: `bochs -q -f bochsrc -rc FILE` by hand,
no harness), plus the test's user instructions at Bochs's measured speed (a bare run of a
user-bound test, vm/page-linear, against the light one: its non-idle cycles after entry
beyond the light test's, per CPU second). A bare run of the most idle test
(threads/sleep-order) against the light one gives the CPU cost of halted cycles. Two
ratios, labelled: the emulated tests' CPU (their Bochs and the harness threads that ran
them) against the floor, and the whole make check's CPU against the same floor (the other
items have no floor term: their CPU is all above it).
"""
import argparse
import ctypes
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from harness import bochs, machine, selection, testcfg
from harness.console import clear_run_console, read_run_console
from harness.common import DEFAULT_IPS, EXPECTED, RESULTS, HarnessError, die, take_count
from harness.overhead import CONTINUE, timed
from harness.running import RunConfig, Runner, default_jobs, previous_walls, spec_for_test

LIGHT = "threads/sleep-zero"     # the lightest test: start, BIOS, boot, power-off
USER_BOUND = "vm/page-linear"    # a test that is almost all user instructions
IDLE_BOUND = "threads/sleep-order"   # a test that is almost all halted time after boot
HZ = 100                         # kernel timer ticks per emulated second
PER_TICK = DEFAULT_IPS // HZ
PR_SET_CHILD_SUBREAPER = 36      # prctl(2): orphaned descendants are re-parented to us


def stats_of(res):
    from harness.verdict import parse_stats
    return parse_stats(res.text()) if res is not None and res.status == "poweroff" else {}


def boot(test, kind):
    """RunResult of TEST booted once on machine KIND (fast or classic)."""
    spec = spec_for_test(test)
    spec.machine = kind
    return machine.Machine(spec).run()


def run_side(tests, kind, jobs):
    """(results in the order of TESTS, CPU seconds of this process and its children)."""
    before = os.times()
    with ThreadPoolExecutor(max(1, jobs)) as pool:
        results = list(pool.map(lambda t: boot(t, kind), tests))
    after = os.times()
    return results, sum(after[i] - before[i] for i in range(4))


class Quiet:
    """A Runner reporter that prints nothing and keeps the items that did not pass."""

    def __init__(self):
        self.bad = []

    def progress(self, running, done, total):
        pass

    def clear(self):
        pass

    def report(self, out):
        if out.verdict.status not in ("PASS", "SKIP"):
            self.bad.append("%s %s" % (out.verdict.status, out.item.label))


def become_subreaper():
    """Makes this process the reaper of its orphaned descendants (Linux prctl), so that
    their CPU can be counted; False where that is not possible."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def reap_orphans():
    """(CPU seconds, count) of the exited orphans re-parented to this process
    (become_subreaper), reaped now; those still running are left alone."""
    cpu, n = 0.0, 0
    while True:
        try:
            pid, _, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return cpu, n
        if pid == 0:
            return cpu, n
        cpu += usage.ru_utime + usage.ru_stime
        n += 1


class Whole:
    """make check's whole selection, run as make check runs it: outcomes (in selection
    order), cpu (this process and every descendant it or its children waited for),
    orphans and orphan_count (orphaned descendants reaped at the end), own (this process's CPU),
    wall, bad (items that did not pass)."""

    def __init__(self, patterns, jobs):
        args = argparse.Namespace(command="check", tests=" ".join(patterns), seeds="", shard=None,
                                  no_unit=False, tests_root=None)
        items = selection.select_items(args).items
        self.subreaper = become_subreaper()
        reporter = Quiet()
        before = os.times()
        t0 = time.monotonic()
        self.outcomes = Runner(RunConfig(expected=EXPECTED), jobs, reporter).run_all(
            items, previous_walls(RESULTS))
        self.wall = time.monotonic() - t0
        self.orphans, self.orphan_count = reap_orphans()
        after = os.times()
        self.own = after[0] + after[1] - before[0] - before[1]
        self.cpu = sum(after[i] - before[i] for i in range(4)) + self.orphans
        self.bad = reporter.bad

    def emulated(self):
        return [o for o in self.outcomes if o.item.kind == "emu"]


def bare_cpu(test, kind, rounds):
    """Least CPU seconds of a bare Bochs run (no harness) of TEST on machine KIND, and the
    STATS of that run."""
    spec = spec_for_test(test)
    spec.machine = kind
    m = machine.Machine(spec)
    try:
        slots = m.prepare()
        bochs.BochsBackend(m).write_bochsrc(slots, "mode=file, dev=console.out")
        with open(os.path.join(m.workdir, "cont.rc"), "w") as f:
            f.write(CONTINUE)
        best = None
        for _ in range(rounds):
            clear_run_console(m.workdir)
            _, cpu = timed(["bochs", "-q", "-f", "bochsrc", "-rc", "cont.rc"], cwd=m.workdir,
                           env=dict(os.environ, TERM="vt100"))
            best = cpu if best is None else min(best, cpu)
        from harness.verdict import parse_stats
        stats = parse_stats(read_run_console(m.workdir).decode("utf-8", "replace"))
    finally:
        m.cleanup(force=True)
    if "tsc" not in stats:
        raise HarnessError("the bare Bochs run of %s did not print its statistics" % test.id)
    return best, stats


def split(stats):
    """{entry, after, kernel, user, idle} cycles of one run's STATS: entry and after (kernel
    entry to the statistics) exact; user and idle the kernel's tick samples; kernel the
    rest of after (the boot before the first tick included)."""
    entry = stats.get("entry_tsc", 0)
    after = stats.get("tsc", entry) - entry
    user = stats.get("user_ticks", 0) * PER_TICK
    idle = stats.get("idle_ticks", 0) * PER_TICK
    return {"entry": entry, "after": after, "user": user, "idle": idle,
            "kernel": max(0, after - user - idle)}


class Calibration:
    """Bare-Bochs measurements on one machine: light (CPU of the light test's start, boot
    and power-off), light_cycles (its split), speed (non-idle instructions per CPU second),
    idle_cost (CPU seconds per halted cycle)."""

    def __init__(self, kind, rounds):
        tests = {t.id: t for t in testcfg.load_tests()}
        self.light, st = bare_cpu(tests[LIGHT], kind, rounds)
        self.light_cycles = split(st)
        base = self.light_cycles["after"] - self.light_cycles["idle"]
        ub_cpu, st = bare_cpu(tests[USER_BOUND], kind, rounds)
        ub = split(st)
        self.speed = (ub["after"] - ub["idle"] - base) / max(ub_cpu - self.light, 1e-3)
        idle_cpu, st = bare_cpu(tests[IDLE_BOUND], kind, rounds)
        ib = split(st)
        busy = ib["after"] - ib["idle"] - base
        self.idle_cost = (idle_cpu - self.light - busy / self.speed) / max(ib["idle"], 1)
        self.idle_cpu = idle_cpu

    def floor(self, s):
        """The floor of one test with split s: start/exit plus its user cycles at speed."""
        return self.light + s["user"] / self.speed


def mega(n):
    return "%.1f M" % (n / 1e6)


def parse_args(argv):
    patterns, jobs, rounds = [], None, 3
    it = iter(argv)
    for a in it:
        if a == "--tests":
            patterns += next(it, "").split()
        elif a in ("-j", "--rounds"):
            v = take_count(a, it)
            if a == "-j":
                jobs = v
            else:
                rounds = v
        else:
            raise HarnessError("unknown argument %s (usage: python3 -m harness.floor "
                               "[--tests 'GLOBS'] [-j N] [--rounds N])" % a)
    return patterns, jobs, rounds


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    try:
        patterns, jobs, rounds = parse_args(argv)
        machine.check_emulator("bochs")
        jobs = jobs or default_jobs()
        whole = Whole(patterns, jobs)
        emu = whole.emulated()
        if not emu:
            raise HarnessError("the selection has no emulated test to measure against a floor")
        tests = [o.item.test for o in emu]
        fast_cal = Calibration("fast", rounds)
        t0 = time.monotonic()
        results, cpu = run_side(tests, "classic", jobs)
        classic = (results, cpu, time.monotonic() - t0, Calibration("classic", rounds))
    except HarnessError as e:
        die("floor", e)
    fast = ([o.result for o in emu], sum(o.cpu + o.harness_cpu for o in emu), whole.wall, fast_cal)
    print_report(tests, {"fast": fast, "classic": classic}, jobs)
    print_whole(whole, fast_cal)
    print_fit(emu)
    print_heaviest(emu, fast_cal)
    return 0


def side_totals(results):
    """(totals {entry, after, kernel, user, idle}, entries, drains, powered off)."""
    tot = dict.fromkeys(("entry", "after", "kernel", "user", "idle"), 0)
    entries, drains, n = [], [], 0
    for r in results:
        st = stats_of(r)
        if not st:
            continue
        n += 1
        s = split(st)
        entries.append(s["entry"])
        if r.stop_tick and "tsc" in st:
            drains.append(r.stop_tick - st["tsc"])
        for k in tot:
            tot[k] += s[k]
    return tot, entries, drains, n


def spread(values):
    if not values:
        return "-"
    return "%s (%s - %s)" % (mega(statistics.mean(values)), mega(min(values)), mega(max(values)))


def table(head, rows):
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths))))
    sys.stdout.flush()


def print_report(tests, sides, jobs):
    cols = {}
    for kind, (results, cpu, wall, cal) in sides.items():
        tot, entries, drains, n = side_totals(results)
        floor = n * cal.light + tot["user"] / cal.speed
        emu = sum(r.cpu or 0.0 for r in results if r is not None)
        cols[kind] = [
            "%d of %d" % (n, len(results)), spread(entries), mega(tot["entry"]),
            mega(tot["kernel"]), mega(tot["user"]), mega(tot["idle"]), spread(drains),
            "%.3f s" % cal.light, "%.1f M/s" % (cal.speed / 1e6),
            "%.2f s" % (cal.idle_cost * 1e8),
            "%.1f s" % floor, "%.1f s (wall %.1f s, -j%d)" % (cpu, wall, jobs),
            "%.1f s, %.1f ms" % (emu, (cpu - emu) * 1000 / max(1, len(results))),
            "%.2fx" % (cpu / floor if floor else 0.0)]
    labels = ["tests powered off", "cycles before kernel entry per test (mean, min - max)",
              "cycles before kernel entry, all tests",
              "kernel cycles (after entry less user and idle)",
              "user cycles (ticks x ips/100)", "idle cycles (halted; ticks x ips/100)",
              "cycles from the statistics to the stop per test (serial line)",
              "bare Bochs start, boot, power-off per test (CPU)", "Bochs speed (CPU)",
              "CPU of 100 M halted cycles (bare %s)" % IDLE_BOUND,
              "floor: start/exit per test + user at Bochs speed",
              "CPU of the emulated tests (Bochs and harness)",
              "of it the emulators; the harness per test",
              "emulated tests against floor (aim: at most 1.25x)"]
    rows = [[label, cols["fast"][i], cols["classic"][i]] for i, label in enumerate(labels)]
    print("\nThe emulated tests of the selection against their floor (fast: make check's own run, "
          "with verdicts; classic: one boot each)")
    table(["", "fast machine", "classic machine"], rows)


def print_whole(whole, cal):
    """make check's CPU by kind of item and the emulated tests' CPU by where it went,
    against the floor; both ratios."""
    emu = whole.emulated()
    tot = dict.fromkeys(("entry", "after", "kernel", "user", "idle"), 0)
    n = 0
    for o in emu:
        st = stats_of(o.result)
        if st:
            n += 1
            for k, v in split(st).items():
                tot[k] += v
    floor = n * cal.light + tot["user"] / cal.speed
    bochs_cpu = sum(o.cpu for o in emu)
    threads = sum(o.harness_cpu for o in emu)
    rows = []

    def row(label, cpu, note=""):
        rows.append([label, "%.1f s" % cpu, "%.1f%%" % (cpu * 100 / whole.cpu if whole.cpu else 0),
                     note])
    lc = cal.light_cycles
    base = lc["after"] - lc["idle"]
    kernel_over = tot["kernel"] - n * lc["kernel"]
    entry_over = tot["entry"] - n * lc["entry"]
    idle_over = tot["idle"] - n * lc["idle"]
    parts = [("start, boot, power-off (%d x %.3f s, the floor)" % (n, cal.light), n * cal.light, None),
             ("user cycles at Bochs speed (the floor)", tot["user"] / cal.speed, tot["user"]),
             ("kernel cycles beyond the light test's boot, at Bochs speed", kernel_over / cal.speed,
              kernel_over),
             ("cycles before entry beyond the light test's", entry_over / cal.speed, entry_over),
             ("halted cycles, at their measured cost", idle_over * cal.idle_cost, idle_over)]
    explained = sum(c for _, c, _ in parts)
    kinds = [("host", "host unit tests (gcc and the test)"), ("expect", "expect scripts (their processes)")]
    print("\nmake check's whole selection on the fast machine: %d items, CPU %.1f s (wall %.1f s); "
          "emulated tests %d, their floor %.1f s" % (len(whole.outcomes), whole.cpu, whole.wall, n, floor))
    if whole.bad:
        print("  not passing (counted all the same): " + ", ".join(whole.bad))
    for label, c, cycles in parts:
        row("  Bochs: " + label, c, "" if cycles is None else "%s cycles" % mega(cycles))
    row("  Bochs: the rest (dearer kernel instructions: port I/O; disk images; load)", bochs_cpu - explained)
    row("emulated tests' Bochs CPU in all", bochs_cpu)
    row("the harness threads that ran the emulated tests", threads,
        "%.1f ms per test" % (threads * 1000 / max(1, len(emu))))
    for kind, label in kinds:
        row(label, sum(o.cpu + o.harness_cpu for o in whole.outcomes if o.item.kind == kind),
            "%d items" % sum(1 for o in whole.outcomes if o.item.kind == kind))
    for o in whole.outcomes:
        if o.item.kind == "selftest":
            row(o.item.id + " (self-test)", o.cpu + o.harness_cpu)
    row("orphaned processes reaped at the end" + ("" if whole.subreaper else " (not counted: no prctl)"),
        whole.orphans, "%d processes" % whole.orphan_count)
    row("the harness process's other CPU (start, scheduling, threads)",
        whole.own - sum(o.harness_cpu for o in whole.outcomes))
    row("make check in all", whole.cpu)
    table(["", "CPU", "share", ""], rows)
    emu_cpu = bochs_cpu + threads
    print("  emulated tests against their floor: %.1f s / %.1f s = %.2fx (aim 1.25x)"
          % (emu_cpu, floor, emu_cpu / floor if floor else 0))
    print("  the whole make check against the same floor (its other items have no floor term): "
          "%.1f s / %.1f s = %.2fx" % (whole.cpu, floor, whole.cpu / floor if floor else 0))
    sys.stdout.flush()


FIT_TERMS = [("start, boot, power-off (per test)", 1.0),
             ("user cycles (per 100 M)", 1e8), ("kernel cycles outside page faults (per 100 M)", 1e8),
             ("kernel cycles inside page faults (per 100 M)", 1e8), ("halted cycles (per 100 M)", 1e8),
             ("page faults (per 10 k, beyond their cycles)", 1e4),
             ("disk sectors moved (per 10 k)", 1e4)]


def fit_terms(st):
    """The FIT_TERMS values of one run's STATS, each in its unit."""
    s = split(st)
    inside = min(st.get("fault_cycles", 0), s["kernel"])
    sectors = sum(v for k, v in st.items() if k.startswith("hd") and k[-2:] in ("_r", "_w"))
    raw = [1, s["user"], s["kernel"] - inside, inside, s["idle"], st.get("pf_total", 0), sectors]
    return [v / unit for v, (_, unit) in zip(raw, FIT_TERMS)]


def solve(a, b):
    """x with a x = b (Gauss-Jordan, partial pivoting); None when a is singular."""
    n = len(b)
    m = [list(row) + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        if abs(m[p][c]) < 1e-12:
            return None
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                m[r] = [x - f * y for x, y in zip(m[r], m[c])]
    return [m[i][n] / m[i][i] for i in range(n)]


def print_fit(emu):
    """Each emulated test's Bochs CPU fitted (least squares over the selection's tests) as
    a cost per start and per cycle, fault and sector of its STATS: what each kind of
    emulated work costs Bochs, measured on the suite itself."""
    data = [(fit_terms(stats_of(o.result)), o.cpu) for o in emu if o.cpu and stats_of(o.result)]
    k = len(FIT_TERMS)
    used = [j for j in range(k) if any(x[j] for x, _ in data)]
    if len(data) < 2 * len(used):
        return
    a = [[sum(x[i] * x[j] for x, _ in data) for j in used] for i in used]
    b = [sum(x[i] * c for x, c in data) for i in used]
    coef = solve(a, b)
    if coef is None:
        return
    pred = [sum(c * x[j] for c, j in zip(coef, used)) for x, _ in data]
    rms = (sum((c - p) ** 2 for (_, c), p in zip(data, pred)) / len(data)) ** 0.5
    print("\nThe emulated tests' Bochs CPU (%.1f s) fitted over its %d tests (least squares, rms "
          "error %.3f s per test): the cost of each kind of work" % (sum(c for _, c in data), len(data), rms))
    rows = []
    totals = {}
    for c, j in zip(coef, used):
        totals[j] = c * sum(x[j] for x, _ in data)
        rows.append([FIT_TERMS[j][0], "%.3f s" % c, "%.1f s" % totals[j]])
    table(["", "each", "in all"], rows)
    # The floor's two terms priced by this same run (start/exit, user cycles): a ratio that
    # a load changing between the bare calibration runs and the suite's run does not move.
    own = totals.get(0, 0.0) + totals.get(1, 0.0)
    emu_cpu = sum(o.cpu + o.harness_cpu for o in emu)
    if own > 0:
        print("  the floor priced by this fit (start/exit and user cycles at the run's own costs): "
              "%.1f s; the emulated tests (%.1f s) against it: %.2fx" % (own, emu_cpu, emu_cpu / own))
    sys.stdout.flush()


def print_heaviest(emu, cal, count=15):
    """The emulated tests furthest above their own floor (their Bochs's CPU against
    start/exit plus their user instructions), with their cycles and the kernel's own
    counters of where its cycles went (page faults, swap-in and -out I/O, OOM kills)."""
    rows = []
    for o in emu:
        st = stats_of(o.result)
        if not o.cpu or not st:
            continue
        s = split(st)
        rows.append((o.cpu - cal.floor(s), o.cpu, o.item.label, s, st))
    if not rows:
        return
    rows.sort(key=lambda row: -row[0])
    gap = sum(row[0] for row in rows)
    print("\nFast machine: the %d emulated tests furthest above their floor (of %.1f s of Bochs "
          "CPU above it in all); kernel cycles at Bochs speed, and the kernel's own cycle counters"
          % (min(count, len(rows)), gap))
    head = ["test", "above", "CPU", "kernel", "at speed", "user", "idle", "in faults",
            "swap-in I/O", "swap-out I/O", "OOM kill", "fork copies"]
    out = []
    for above, c, name, s, st in rows[:count]:
        out.append([name, "%.2f s" % above, "%.2f s" % c, mega(s["kernel"]),
                    "%.2f s" % (s["kernel"] / cal.speed), mega(s["user"]), mega(s["idle"]),
                    mega(st.get("fault_cycles", 0)), mega(st.get("swap_in_cycles", 0)),
                    mega(st.get("swap_out_cycles", 0)), mega(st.get("oom_cycles", 0)),
                    str(st.get("fork_copied", 0))])
    table(head, out)


if __name__ == "__main__":
    sys.exit(main())
