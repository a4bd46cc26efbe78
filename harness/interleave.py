"""How much do scheduling seeds vary the schedule? (make interleavings)

    python3 -m harness.interleave [--seeds 1-20] [TEST ...]

Runs each multi-process test under every seed (through `python3 -m harness check`, so the
results and verdicts are the usual ones), then counts the distinct console interleavings:
the lines between `Executing '...':` and `Execution of '...' complete.`, compared whole.
Every interleaving is reproducible from its seed (`make check TESTS=T SEEDS=N`). Prints one
line per test: distinct interleavings out of runs, and the seeds of each.
"""
import argparse
import os
import subprocess
import sys

from harness.common import RESULTS, ROOT, HarnessError, die
from harness.runner import parse_seeds

DEFAULT_TESTS = ["vm/page-parallel", "vm/page-merge-par", "vm/page-merge-seq",
                 "userprog/file-readers", "userprog/file-writers", "userprog/fork-many",
                 "userprog/wait-grandkid", "userprog/file-rm-child"]


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise HarnessError(message)


def action_lines(path):
    """The lines between the action markers of the console file at PATH (None if absent)."""
    try:
        with open(path, "rb") as f:
            text = f.read().decode("latin-1")
    except OSError:
        return None
    lines = text.splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith("Executing '")), None)
    end = next((i for i, l in enumerate(lines) if l.startswith("Execution of '")), None)
    if start is None or end is None:
        return tuple(lines[-5:])
    return tuple(lines[start + 1:end])


def main(argv=None):
    p = Parser(prog="make interleavings")
    p.add_argument("--seeds", default="1-20")
    p.add_argument("-j", "--jobs", type=int, default=None)
    p.add_argument("tests", nargs="*")
    try:
        args = p.parse_args(argv)
        seeds = parse_seeds(args.seeds)
    except HarnessError as e:
        die("make interleavings", e)
    tests = args.tests or DEFAULT_TESTS
    cmd = [sys.executable, "-m", "harness", "check", "--no-unit", "--tests", " ".join(tests),
           "--seeds", args.seeds]
    if args.jobs:
        cmd += ["-j", str(args.jobs)]
    r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    summary = r.stdout.decode("latin-1").strip().splitlines()
    print("\n".join(l for l in summary if l.startswith(("FAIL", "CRASH", "TIMEOUT", "ERROR"))))
    print("%-26s %s" % ("test", "distinct interleavings over %d seeds (seeds of each)" % len(seeds)))
    for t in tests:
        suite, name = t.split("/", 1)
        groups = {}
        for s in seeds:
            lines = action_lines(os.path.join(RESULTS, suite, "%s.seed%d.console" % (name, s)))
            if lines is not None:
                groups.setdefault(lines, []).append(s)
        runs = sum(len(v) for v in groups.values())
        detail = " ".join("[%s]" % ",".join(str(s) for s in v) for v in
                          sorted(groups.values(), key=lambda v: v[0]))
        print("%-26s %d of %d  %s" % (t, len(groups), runs, detail))
    print(summary[-1] if summary else "no output from the runner")
    return r.returncode


if __name__ == "__main__":
    sys.exit(main())
