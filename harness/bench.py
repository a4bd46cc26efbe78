"""make bench (second half): ticks and cycles of tests against their accepted baselines."""
import json
import os

from harness import verdict
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
    session = run_selection(args, selection.items)
    rows = []
    for o in session.outcomes:
        path = o.item.test.faults_file(args.expected)
        base = verdict.read_faults(path) if os.path.exists(path) else {}
        rows.append(compare_row(o.item.label, o.verdict.stats, base))
    head = ["test", "ticks accepted", "ticks now", "change", "cycles accepted", "cycles now", "change"]
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    with open(os.path.join(args.results, "bench-compare.json"), "w") as f:
        json.dump([dict(zip(head, r)) for r in rows], f, indent=1)
    return finish(session.outcomes, session.counts, session.wall, session.jobs, args.results)
