"""The other VM workloads of `make bench` (bench = yes tests whose program is neither press
nor forkb, e.g. src/tests/bench/bench-*.c): one run each under the kernel's defaults, page
faults by kind against the pages that received a frame, and emulated cycles per fault."""
from harness.vmbench import report, runs

KINDS = [("pf_file", "file"), ("pf_zero", "zero"), ("pf_stack", "stack"),
         ("pf_swapin", "swap-in"), ("pf_wp", "wp"), ("pf_invalid", "invalid")]


def plan():
    tests = [t for t in runs.bench_tests(None) if t.cmdline.split()[0] not in ("press", "forkb", "oomb")]
    return tests, [(t, []) for t in tests]


def row(run):
    s = run.stats
    if run.status != "ok":
        return [run.test.name, "n/a: " + run.detail] + [""] * (len(KINDS) + 4)
    handled = sum(s.get(k, 0) for k in ("pf_file", "pf_zero", "pf_stack", "pf_swapin", "pf_wp"))
    per_fault = "%.0f" % (s["fault_cycles"] / handled) if handled and "fault_cycles" in s else "-"
    return ([run.test.name, s.get("pf_total", "-")] + [s.get(k, "-") for k, _ in KINDS]
            + [s.get("pages_touched", "-"), s.get("frames_peak", "-"), per_fault,
               s.get("tsc", 0) - s.get("boot_tsc", 0)])


def print_report(results, out):
    out.write("\nOther VM workloads: page faults by kind, pages given a frame, cycles per fault\n")
    report.table(["workload", "faults"] + [n for _, n in KINDS]
                 + ["touched", "peak frames", "cycles/fault", "run cycles"],
                 [row(r) for r in results], out)


def as_dict(run):
    return {"test": run.test.id, "status": run.status, "detail": run.detail, "stats": run.stats}
