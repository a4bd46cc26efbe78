"""What the VM trace costs the guest when nobody keeps it (make bench, `--only trace`).

The kernel builds every trace record whether the harness keeps the trace or not (src/vm/
trace.h), so a run with the trace off runs the hooks too. This part boots a few tests three
times: the kernel built with the hooks compiled out (`make notrace`: -DVM_TRACE_OFF,
build/notrace/boot.img), the normal kernel with the trace off, and the normal kernel with
the trace on. It prints the emulated cycles after kernel entry of each (STATS tsc -
entry_tsc), the trace-off cost against the kernel without hooks, in cycles, percent and
cycles per record the kernel wrote (in the trace-on run), and whether the trace-on run's
console and STATS line are the normal kernel's trace-off run's, byte for byte.
"""
import os

from harness import testcfg, trace
from harness.common import BUILD, HarnessError
from harness.vmbench import report, runs

# The three the cost was first measured on, then a few more: single processes, forks, and
# vm/swap-two, whose two processes page against each other (its interleaving, and so its
# work, may change with the hooks' cost: the table then says so).
TESTS = ["vm/page-linear", "vm/swap-seq", "vm/cow-many", "vm/lazy-file", "vm/mmap-read",
         "vm/swap-rand", "vm/swap-stride", "vm/fork-lazy", "vm/cow-kid-first", "vm/swap-two"]
NOTRACE_IMG = os.path.join(BUILD, "notrace", "boot.img")
VARIANTS = ("none", "off", "on")     # no hooks; hooks, trace off; hooks, trace on


def plan():
    """(tests, pairs): each test of TESTS that exists, booted once per VARIANTS."""
    if not os.path.isfile(NOTRACE_IMG):
        raise HarnessError("no %s: make notrace builds the kernel without trace hooks"
                           % os.path.relpath(NOTRACE_IMG))
    by_id = {t.id: t for t in testcfg.load_tests()}
    tests = [by_id[i] for i in TESTS if i in by_id]
    pairs = []
    for t in tests:
        pairs += [(t, [], NOTRACE_IMG, False), (t, [], None, False), (t, [], None, True)]
    return tests, pairs


def _cycles(run):
    s = run.stats
    if run.status != "ok" or "tsc" not in s or "entry_tsc" not in s:
        return None
    return s["tsc"] - s["entry_tsc"]


def _events(run):
    """The records the kernel wrote in a trace-on run (the header counted), or None."""
    if not run.trace:
        return None
    return len(run.trace) // trace.REC.size


WORK_KEYS = ("pf_total", "pf_file", "pf_zero", "pf_stack", "pf_swapin", "pf_wp", "pf_invalid",
             "pf_major", "pf_minor", "swap_in", "swap_out", "evict_swap", "evict_write",
             "evict_drop")


def _same_work(a, b):
    """True if two runs faulted, swapped and evicted exactly as often."""
    return all(a.stats.get(k) == b.stats.get(k) for k in WORK_KEYS)


def _stats_line(text):
    return [l for l in text.splitlines() if l.startswith("STATS ")]


def rows(tests, results):
    """[{test, none, off, on, events, identical, detail}] from the runs in plan() order."""
    out = []
    for i, t in enumerate(tests):
        none, off, on = results[3 * i:3 * i + 3]
        bad = [r for r in (none, off, on) if r.status != "ok"]
        out.append({"test": t.id, "none": _cycles(none), "off": _cycles(off), "on": _cycles(on),
                    "events": _events(on), "same_work": _same_work(none, off),
                    "identical": off.text == on.text and bool(_stats_line(off.text)),
                    "detail": "; ".join("%s: %s" % (v, r.detail)
                                        for v, r in zip(VARIANTS, (none, off, on)) if r in bad)})
    return out


def per_record(rs):
    """The hooks' cycles per record over the tests that did the same work without them
    (those with at least 100 records: the fixed cost of start and power-off aside), or None."""
    ok = [r for r in rs if not r["detail"] and r["same_work"] and (r["events"] or 0) >= 100]
    if not ok:
        return None
    return sum(r["off"] - r["none"] for r in ok) / sum(r["events"] for r in ok)


def print_report(rs, out):
    out.write("\nVM trace cost with the trace off: cycles after kernel entry, the kernel without"
              " hooks (-DVM_TRACE_OFF) against the normal one\n")
    est = per_record(rs)
    table = []
    for r in rs:
        if r["detail"]:
            table.append([r["test"], "n/a: " + r["detail"]] + [""] * 7)
            continue
        d = r["off"] - r["none"]
        same = r["same_work"]
        if same:
            cost, pct = "%+d" % d, "%+.2f%%" % (100.0 * d / r["none"])
        else:
            cost = "(%+d)" % d
            pct = ("~%+.2f%%" % (100.0 * est * r["events"] / r["off"])
                   if est is not None and r["events"] else "-")
        per = "%.0f" % (d / r["events"]) if r["events"] and same else "-"
        table.append([r["test"], r["none"], r["off"], cost, pct,
                      r["events"] if r["events"] is not None else "-", per,
                      "yes" if same else "no",
                      "yes" if r["identical"] and r["on"] == r["off"] else "NO"])
    report.table(["test", "no hooks", "trace off", "off cost", "off cost %", "records",
                  "per record", "same work", "on = off"], table, out)
    out.write("(same work: the run without hooks faulted, swapped and evicted exactly as often."
              " When not (processes paging against each other interleave differently once the\n"
              " hooks' cycles move timer interrupts), the cycle difference is mostly other work;"
              " the ~ cost is then an estimate: its records times the cycles per record of the\n"
              " same-work tests with 100 records or more (%s). on = off: the trace-on run's console"
              " and STATS line are the trace-off run's, byte for byte.)\n"
              % ("%.0f" % est if est is not None else "none"))


def as_dict(r):
    return dict(r)
