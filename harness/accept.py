"""make accept: record page-fault baselines (and, on request, missing expected outputs)."""
import os

import threading

from harness import verdict
from harness.common import ROOT
from harness.running import run_selection


def write_missing_output(test, console, expected_dir):
    """Writes expected/SUITE/NAME.out from console when the test has no expected file;
    returns the path written, or None."""
    if test.expected_files(expected_dir):
        return None
    lines, problem = verdict.extract_action(console.decode("utf-8", "replace").splitlines(), test.cmdline)
    if problem:
        return None
    path = os.path.join(expected_dir, test.suite, test.name + ".out")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(lines) + ("\n" if lines else ""))
    return path


def baseline_change(old, faults, bench=None, band=None):
    """'new', 'unchanged' or 'KIND A -> B, ...' between an old baseline and new counts.
    bench: the new ticks and cycles (verdict.bench_values), which make bench compares
    with: a change of those alone is reported (and rewritten) as a refresh of them.
    band: the test's faults_band; a count that moved within it is marked so."""
    if old is None:
        return "new"
    keys = [k for _, k in verdict.FAULT_KEYS if k in faults or k in old]
    _, tolerated = verdict.compare_faults(old, faults, band)
    counts = ["%s %d -> %d" % (k, old.get(k, 0), faults.get(k, 0))
              for k in keys if old.get(k, 0) != faults.get(k, 0)]
    change = ", ".join(c + (" (within its band)" if c in tolerated else "") for c in counts)
    moved = ", ".join("%s %s -> %d" % (k, old.get(k, "none"), bench[k])
                      for k in verdict.BENCH_KEYS if k in (bench or {}) and old.get(k) != bench[k])
    if moved:
        change = (change + "; " if change else "page faults unchanged; ") + "make bench figures refreshed: " + moved
    return change or "unchanged"


def cmd_accept(args, selection):
    """Runs the tests at the default seed and writes their .faults baselines (the page-fault
    counts make check compares and the ticks and cycles make bench compares); a baseline
    none of whose figures changed is left alone, byte for byte. With --with-output, a
    missing expected .out is written from the actual output before the test is judged."""
    written = []
    lock = threading.Lock()

    def write_output(test, res):
        path = write_missing_output(test, res.console, args.expected)
        if path:
            with lock:
                written.append(path)

    session = run_selection(args, selection.items, write_output if args.with_output else None)
    for path in sorted(written):
        print("accept: wrote %s (review it!)" % os.path.relpath(path, ROOT))
    status = 0
    for o in session.outcomes:
        t = o.item.test
        v = o.verdict
        if not v.stats:
            print("accept: %s: no statistics (%s: %s); baseline not written" % (t.id, v.status, v.reason))
            status = 1
            continue
        if v.status != "PASS" and not v.reason.startswith("page faults changed"):
            print("accept: %s: %s: %s; baseline written anyway, the test still fails" % (t.id, v.status, v.reason))
        path = t.faults_file(args.expected)
        old = verdict.read_faults(path) if os.path.exists(path) else None
        change = baseline_change(old, v.faults, verdict.bench_values(v.stats), t.faults_band)
        if change != "unchanged":
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(verdict.format_faults(t.id, v.faults, v.stats))
        print("accept: %s: %s" % (os.path.relpath(path, ROOT), change))
    return status
