"""make fuzz: long runs of the system-call fuzzer (src/tests/fuzz/sc-fuzz.c), one boot per seed.

    python3 -m harness.fuzz --seeds 1-100 [--children N] [--calls N] [--bochs] [-j N]

Each seed boots the kernel (QEMU by default, for speed) with `run 'sc-fuzz SEED CHILDREN
CALLS v'` and is judged on its console: a `(sc-fuzz) FAIL` line, a panic, a timeout, a
missing `Powering off...` or leaked pages make the seed fail. Every failure is printed
with its seed and the one tools/pintos command that reproduces it under Bochs. The last
lines give the calls made, calls per second of host time, and the emulated cycles per call
the fuzzer measured (TSC: one per instruction under Bochs); the very last is
"N passed, N failed".
"""
import argparse
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from harness.common import BUILD, ROOT, HarnessError, die
from harness.runner import parse_seeds
from harness.verdict import parse_stats

PROGRAM = os.path.join(BUILD, "tests", "fuzz", "sc-fuzz")
RUN_RE = re.compile(r"^\(sc-fuzz\) run: (\d+) calls made, (\d+) children killed, (\d+) cycles")


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise HarnessError(message)


def command(seed, children, calls, bochs, limit, fork=None):
    """The tools/pintos command line (a list) for one seed (FORK: kernel option -fork=FORK)."""
    cmd = [sys.executable, os.path.join(ROOT, "tools", "pintos")]
    if not bochs:
        cmd.append("--qemu")
    cmd += ["-T", str(limit), "--batch", "-p", os.path.relpath(PROGRAM, ROOT), "--", "-q"]
    cmd += ["-fork=" + fork] if fork else []
    cmd += ["run", "sc-fuzz %d %d %d v" % (seed, children, calls)]
    return cmd


def repro(seed, children, calls, limit, fork=None):
    return ("tools/pintos -T %d -p build/tests/fuzz/sc-fuzz -- -q %srun 'sc-fuzz %d %d %d v'"
            % (limit, "-fork=%s " % fork if fork else "", seed, children, calls))


def judge(console, status):
    """(problems, calls made, cycles) for one seed's console and launcher exit status."""
    lines = console.splitlines()
    problems = [l for l in lines if l.startswith("(sc-fuzz) FAIL")]
    if any("PANIC" in l for l in lines):
        problems += [l for l in lines if "PANIC" in l][:2]
    elif status == 5:
        problems.append("timeout")
    elif not lines or lines[-1] != "Powering off...":
        problems.append("no `Powering off...` at the end (launcher status %d)" % status)
    stats = parse_stats(console)
    if stats and (stats.get("upool_used", 0) != 0 or stats.get("kpool_used") != stats.get("kpool_boot")):
        problems.append("leaked pages: upool_used=%s kpool_used=%s kpool_boot=%s"
                        % (stats.get("upool_used"), stats.get("kpool_used"), stats.get("kpool_boot")))
    made = cycles = 0
    for l in lines:
        m = RUN_RE.match(l)
        if m:
            made, cycles = int(m.group(1)), int(m.group(3))
    if not made and not problems:
        problems.append("no `(sc-fuzz) run:` summary line")
    return problems, made, cycles


def main(argv=None):
    p = Parser(prog="make fuzz")
    p.add_argument("--seeds", default="1-100")
    p.add_argument("--children", type=int, default=400)
    p.add_argument("--calls", type=int, default=200)
    p.add_argument("--bochs", action="store_true", help="run under Bochs instead of QEMU")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--limit", type=int, default=600, help="time limit per seed, seconds")
    p.add_argument("--fork", choices=["cow", "eager", "share", "lazy"], default=None,
                   help="kernel option -fork=MODE (default: the kernel's)")
    try:
        args = p.parse_args(argv)
        seeds = parse_seeds(args.seeds)
        if args.children < 1 or args.calls < 1 or args.jobs < 1:
            raise HarnessError("--children, --calls and -j take numbers >= 1")
        if not os.path.exists(PROGRAM):
            raise HarnessError("%s is not built (run make)" % os.path.relpath(PROGRAM, ROOT))
    except HarnessError as e:
        die("make fuzz", e)
    lock = threading.Lock()
    totals = {"made": 0, "cycles": 0, "failed": 0, "passed": 0}
    t0 = time.monotonic()

    def one(seed):
        try:
            r = subprocess.run(command(seed, args.children, args.calls, args.bochs, args.limit, args.fork),
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=args.limit + 60)
            console, status = r.stdout.decode("latin-1"), r.returncode
        except subprocess.TimeoutExpired:
            console, status = "", 5
        problems, made, cycles = judge(console, status)
        with lock:
            totals["made"] += made
            totals["cycles"] += cycles
            if problems:
                totals["failed"] += 1
                print("FAIL    seed %d: %d calls" % (seed, made))
                for pr in problems:
                    print("        " + pr)
                print("        reproduce under Bochs: " + repro(seed, args.children, args.calls,
                                                                 args.limit, args.fork))
            else:
                totals["passed"] += 1
                print("PASS    seed %d: %d calls" % (seed, made))
            sys.stdout.flush()

    try:
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            list(pool.map(one, seeds))
    except KeyboardInterrupt:
        sys.exit(130)
    wall = time.monotonic() - t0
    made = totals["made"]
    print("%s: %d calls in %d seeds, %.1f s wall with -j%d: %.0f calls/s of host time; "
          "%.0f emulated cycles per call (fuzzer's TSC)"
          % ("Bochs" if args.bochs else "QEMU", made, len(seeds), wall, args.jobs,
             made / wall if wall else 0, totals["cycles"] / made if made else 0))
    print("%d passed, %d failed" % (totals["passed"], totals["failed"]))
    return 1 if totals["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
