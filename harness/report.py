"""What a person sees while tests run and at the end (the results files are results.py)."""
import os
import sys
import time

from harness.common import ROOT
from harness.results import result_path, summary_line

DETAIL_LINES = 80


class Reporter:
    """Prints one line per finished item (with details when it did not pass) and, on a
    terminal, a live `[done/total elapsed] running: ...` line."""

    def __init__(self, results_dir, verbose=False, stream=None):
        self.results_dir = results_dir
        self.verbose = verbose
        self.out = stream or sys.stdout
        self.tty = self.out.isatty()
        self.t0 = time.monotonic()

    def progress(self, running, done, total):
        """running: {label: start time}."""
        if not self.tty:
            return
        now = time.monotonic()
        names = sorted(running, key=lambda n: running[n])
        shown = ", ".join("%s %.0fs" % (n, now - running[n]) for n in names[:3])
        line = "[%d/%d %.0fs] %s" % (done, total, now - self.t0, shown)
        self.out.write("\r\033[K" + line[:150])
        self.out.flush()

    def clear(self):
        if self.tty:
            self.out.write("\r\033[K")
            self.out.flush()

    def report(self, out):
        v = out.verdict
        it = out.item
        self.clear()
        line = "%-7s %s (%.1f s)" % (v.status, it.label, out.wall)
        if v.status != "PASS":
            line += ": " + v.reason
        print(line, file=self.out)
        if v.status != "PASS":
            details = v.details
            if len(details) > DETAIL_LINES and not self.verbose:
                details = details[:DETAIL_LINES] + ["... (%d more lines; see %s)" % (
                    len(details) - DETAIL_LINES, os.path.relpath(result_path(self.results_dir, it, ".json"), ROOT))]
            for d in details:
                print("    " + d, file=self.out)
            print("    rerun: " + out.rerun, file=self.out)
            if out.command:
                print("    alone: " + out.command, file=self.out)
        self.out.flush()


def failing(outcomes):
    return [o for o in outcomes if o.verdict.status not in ("PASS", "SKIP")]


def print_failures(outcomes, stream=None):
    """`Failures (...)` with one line per failing item: verdict, label, reason, rerun."""
    stream = stream or sys.stdout
    failed = failing(outcomes)
    if failed:
        print("Failures (rerun one alone with the command shown):", file=stream)
        for o in failed:
            print("  %-7s %s: %s" % (o.verdict.status, o.item.label, o.verdict.reason), file=stream)
            if o.rerun:
                print("          %s" % o.rerun, file=stream)
    return failed


def print_notes(outcomes, stream=None):
    """Tests without a page-fault baseline, outputs that differed only because of fault
    injection, fault counts that moved within a test's declared band, and fault changes
    that were only reported."""
    stream = stream or sys.stdout
    missing = [o.item.id for o in outcomes if "no fault baseline" in o.verdict.notes]
    if missing:
        print("note: %d tests have no page-fault baseline yet (make accept TESTS=...): %s"
              % (len(missing), " ".join(missing[:8]) + (" ..." if len(missing) > 8 else "")), file=stream)
    allowed = [o.item.label for o in outcomes
               if any(n.endswith("(allowed under fault injection)") for n in o.verdict.notes)]
    if allowed:
        print("note: under fault injection %d tests' output differed from expected (allowed; "
              "panics, leaks and timeouts still fail): %s"
              % (len(allowed), " ".join(allowed[:8]) + (" ..." if len(allowed) > 8 else "")), file=stream)
    band = "page faults within the declared band (faults_band): "
    moved = [(o.item.label, n[len(band):]) for o in outcomes for n in o.verdict.notes if n.startswith(band)]
    if moved:
        print("note: schedule-bound page-fault counts moved within their declared bands in %d tests "
              "(faults_band in tests.cfg):" % len(moved), file=stream)
        for label, n in moved:
            print("  %s: %s" % (label, n), file=stream)
    changed = [(o.item.label, n) for o in outcomes for n in o.verdict.notes if n.startswith("page faults changed")]
    if changed:
        print("note: page-fault counts changed in %d tests (reported, not failing):" % len(changed), file=stream)
        for label, n in changed:
            print("  %s: %s" % (label, n[len("page faults changed: "):]), file=stream)


def print_summary_format(kind, records, outcomes, stream=None):
    """SUMMARY=pintos: `pass tests/SUITE/NAME` lines; SUMMARY=tap: the TAP text (both
    from harness/formats.py); nothing when kind is None."""
    if not kind:
        return
    from harness import formats
    from harness.results import with_consoles
    stream = stream or sys.stdout
    full = with_consoles(records, outcomes)
    stream.write(formats.pintos_summary(full) if kind == "pintos" else formats.tap(full))


def finish(outcomes, counts, wall, jobs, results_dir, stream=None):
    """The closing lines of make check; the summary line is the very last. Returns the
    exit status (1 when anything failed)."""
    stream = stream or sys.stdout
    print_notes(outcomes, stream)
    print_failures(outcomes, stream)
    print("Wall time %.1f s with -j%d; results in %s" % (
        wall, jobs, os.path.relpath(os.path.join(results_dir, "summary.json"), ROOT)), file=stream)
    print(summary_line(counts), file=stream)
    return 1 if counts["failed"] else 0
