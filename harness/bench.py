"""make bench (second half): ticks and cycles of tests against their accepted baselines.

The figures compared with are the `ticks` and `cycles` lines of expected/SUITE/NAME.faults,
which `make accept TESTS=...` records and refreshes together with the page-fault counts;
the output names that source and how to refresh it. They hold for the reference machine
only (Bochs, default seed and ips); other settings are compared with them but say so."""
import json
import os

from harness import verdict
from harness.common import rel
from harness.report import finish
from harness.running import run_selection


def compare_row(label, stats, base):
    """[label, then accepted, now, change for each of verdict.BENCH_KEYS]."""
    row = [label]
    values = verdict.bench_values(stats)
    for k in verdict.BENCH_KEYS:
        now = values.get(k)
        was = base.get(k)
        if now is None:
            row += ["-", "-", ""]
        elif was is None:
            row += ["-", str(now), "new"]
        else:
            pct = (now - was) * 100.0 / was if was else 0.0
            row += [str(was), str(now), "%+.1f%%" % pct]
    return row


def cmd_bench(args, selection):
    """Runs the tests and compares ticks and cycles with the accepted baselines (never
    fails on them); writes bench-compare.json."""
    session = run_selection(args, selection.items, selected=len(selection.everything))
    rows = []
    for o in session.outcomes:
        path = o.item.test.faults_file(args.expected)
        base = verdict.read_faults(path) if os.path.exists(path) else {}
        rows.append(compare_row(o.item.label, o.verdict.stats, base))
    head = ["test", "ticks accepted", "ticks now", "change", "cycles accepted", "cycles now", "change"]
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    print()
    print("Compared with: the ticks and cycles `make accept` recorded in %s/SUITE/NAME.faults "
          "(refresh them with make accept TESTS=...; 'new': none recorded yet)" % rel(os.path.abspath(args.expected)))
    if session.config.fault_mode(0) == "off" or args.seeds:
        print("note: this run is not on the reference machine (Bochs, default seed, ips and policies) "
              "the figures were recorded on; changes include that difference")
    for r in [head] + rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    with open(os.path.join(args.results, "bench-compare.json"), "w") as f:
        json.dump([dict(zip(head, r)) for r in rows], f, indent=1)
    return finish(session.outcomes, session.counts, session.wall, session.jobs, args.results)
