"""make bench (last part): the emulated tests of a selection against their floor, on the
fast Bochs machine and on the classic one, side by side in one run.

usage: python3 -m harness.floor [--tests 'GLOBS'] [-j N] [--rounds N]
       (default: every emulated test of `make check`, jobs as make check, 3 calibration
       rounds)

Each side boots every selected test once (no verdict; a run that does not power off is
reported and counted) and records:
  - cycles before kernel entry (the STATS line's entry_tsc: BIOS and boot sector; on the
    classic machine mostly the BIOS's halted boot-menu wait),
  - kernel, user and idle cycles after entry (timer ticks sampled by the kernel, each worth
    ips/100 cycles; idle is halted time, which Bochs skips at almost no cost),
  - cycles from the power-off statistics (STATS tsc) to the machine's stop (Bochs's log):
    the serial line sending the statistics, halted,
  - the CPU seconds of the whole run (the harness and every Bochs it started).
The floor is what no launcher can beat under Bochs: per test, a bare Bochs start, boot and
power-off of the lightest test (measured: `bochs -q -f bochsrc -rc FILE` by hand, no
harness), plus the test's user instructions at Bochs's measured speed (a bare run of a
user-bound test, vm/page-linear, against the light one).
"""
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from harness import bochs, machine, selection, testcfg
from harness.common import DEFAULT_IPS, HarnessError, die, take_count
from harness.overhead import timed
from harness.running import default_jobs, spec_for_test

LIGHT = "threads/sleep-zero"     # the lightest test: start, BIOS, boot, power-off
USER_BOUND = "vm/page-linear"    # a test that is almost all user instructions
HZ = 100                         # kernel timer ticks per emulated second


def stats_of(res):
    from harness.verdict import parse_stats
    return parse_stats(res.text()) if res.status == "poweroff" else {}


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
            f.write("c\n")
        best = None
        for _ in range(rounds):
            path = os.path.join(m.workdir, "console.out")
            if os.path.exists(path):
                os.remove(path)
            _, cpu = timed(["bochs", "-q", "-f", "bochsrc", "-rc", "cont.rc"], cwd=m.workdir,
                           env=dict(os.environ, TERM="vt100"))
            best = cpu if best is None else min(best, cpu)
        from harness.verdict import parse_stats
        with open(os.path.join(m.workdir, "console.out"), "rb") as f:
            stats = parse_stats(f.read().decode("utf-8", "replace"))
    finally:
        m.cleanup(force=True)
    if "tsc" not in stats:
        raise HarnessError("the bare Bochs run of %s did not print its statistics" % test.id)
    return best, stats


def split(stats, per_tick):
    """{entry, kernel, user, idle} cycles of one run's STATS."""
    return {"entry": stats.get("entry_tsc", 0),
            "kernel": stats.get("kernel_ticks", 0) * per_tick,
            "user": stats.get("user_ticks", 0) * per_tick,
            "idle": stats.get("idle_ticks", 0) * per_tick}


def calibrate(kind, rounds, per_tick):
    """(start-and-exit CPU seconds per test, Bochs speed in instructions per CPU second) on
    machine KIND, from bare runs of LIGHT and USER_BOUND."""
    tests = {t.id: t for t in testcfg.load_tests()}
    light_cpu, _ = bare_cpu(tests[LIGHT], kind, rounds)
    user_cpu, user_stats = bare_cpu(tests[USER_BOUND], kind, rounds)
    user = split(user_stats, per_tick)
    work = user["user"] + user["kernel"]
    speed = work / max(user_cpu - light_cpu, 1e-3)
    return light_cpu, speed


def mega(n):
    return "%.1f M" % (n / 1e6)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    patterns, jobs, rounds = [], None, 3
    try:
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
        machine.check_emulator("bochs")
        # make check's tests: the bench = yes workloads only when a pattern names them.
        all_tests = testcfg.load_tests()
        tests = [t for t in testcfg.select(all_tests, patterns)
                 if not t.bench or any(selection.names_bench_test(t, p) for p in patterns)]
        jobs = jobs or default_jobs()
        per_tick = DEFAULT_IPS // HZ
        sides = {}
        for kind in ("fast", "classic"):
            t0 = time.monotonic()
            results, cpu = run_side(tests, kind, jobs)
            wall = time.monotonic() - t0
            light, speed = calibrate(kind, rounds, per_tick)
            sides[kind] = (results, cpu, wall, light, speed)
    except HarnessError as e:
        die("floor", e)
    print_report(tests, sides, jobs)
    print_heaviest(tests, sides["fast"])
    return 0


def print_report(tests, sides, jobs):
    rows = []
    head = ["", "fast machine", "classic machine"]
    cols = {}
    for kind, (results, cpu, wall, light, speed) in sides.items():
        tot = {"entry": 0, "kernel": 0, "user": 0, "idle": 0}
        entries, drains, bad = [], [], 0
        for r in results:
            st = stats_of(r)
            if not st:
                bad += 1
                continue
            s = split(st, DEFAULT_IPS // HZ)
            entries.append(s["entry"])
            if r.stop_tick and "tsc" in st:
                drains.append(r.stop_tick - st["tsc"])
            for k in tot:
                tot[k] += s[k]
        n = len(results) - bad
        floor = n * light + tot["user"] / speed
        emu = sum(r.cpu or 0.0 for r in results)
        cols[kind] = [
            "%d of %d" % (n, len(results)),
            "%s (%s - %s)" % (mega(statistics.mean(entries)) if entries else "-",
                              mega(min(entries)) if entries else "-",
                              mega(max(entries)) if entries else "-"),
            mega(tot["entry"]), mega(tot["kernel"]), mega(tot["user"]), mega(tot["idle"]),
            "%s (%s - %s)" % (mega(statistics.mean(drains)) if drains else "-",
                              mega(min(drains)) if drains else "-",
                              mega(max(drains)) if drains else "-"),
            "%.3f s" % light, "%.1f M/s" % (speed / 1e6),
            "%.1f s" % floor, "%.1f s (wall %.1f s, -j%d)" % (cpu, wall, jobs),
            "%.1f s, %.1f ms" % (emu, (cpu - emu) * 1000 / max(1, len(results))),
            "%.2fx" % (cpu / floor if floor else 0.0)]
    labels = ["tests powered off", "cycles before kernel entry per test (mean, min - max)",
              "cycles before kernel entry, all tests", "kernel cycles (ticks x ips/100)",
              "user cycles (ticks x ips/100)", "idle cycles (halted)",
              "cycles from the statistics to the stop per test (serial line)",
              "bare Bochs start, boot, power-off per test (CPU)", "Bochs speed (CPU)",
              "floor: start/exit per test + user at Bochs speed", "CPU of the run",
              "of it the emulators; the harness per test",
              "run against floor (aim: at most 1.25x)"]
    for i, label in enumerate(labels):
        rows.append([label, cols["fast"][i], cols["classic"][i]])
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(3)]
    print("\nThe emulated tests of the selection against their floor (one boot each, no verdict)")
    for r in [head] + rows:
        print("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths))))
    sys.stdout.flush()


def print_heaviest(tests, side, count=10):
    """The tests of the fast side furthest above their own floor (their emulator's CPU
    against start/exit plus their user instructions at Bochs speed), with their cycles:
    where the run's gap to its floor is."""
    results, cpu, _, light, speed = side
    per_tick = DEFAULT_IPS // HZ
    rows = []
    for t, r in zip(tests, results):
        st = stats_of(r)
        if r.cpu is None or not st:
            continue
        s = split(st, per_tick)
        rows.append((r.cpu - light - s["user"] / speed, r.cpu, t.id, s))
    if not rows:
        return
    rows.sort(key=lambda row: -row[0])
    gap = sum(row[0] for row in rows)
    print("\nFast machine: the %d tests furthest above their floor (of %.1f s of emulator CPU "
          "above it in all)" % (min(count, len(rows)), gap))
    print("  %-28s %9s %9s %9s %9s %9s" % ("test", "above", "CPU", "kernel", "user", "idle"))
    for above, c, name, s in rows[:count]:
        print("  %-28s %8.2fs %8.2fs %9s %9s %9s" % (name, above, c, mega(s["kernel"]),
                                                    mega(s["user"]), mega(s["idle"])))
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
