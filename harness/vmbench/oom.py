"""Kill latency on memory exhaustion (issue 18), part of `make bench`: the oomb-* workloads
(src/tests/bench/oomb.c) fork children that write more than the user pool plus swap; the
kernel counts, on its STATS line, the kills (oom_kills) and the TSC cycles from the start of
each failing frame allocation to the victim's exit line (oom_cycles, oom_cycles_max). One
timer tick is 1,000,000 cycles at the default ips."""
from harness.vmbench import report, runs

TICK = 1000000


def plan():
    tests = runs.bench_tests("oomb")
    return tests, [(t, []) for t in tests]


def row(run):
    s = run.stats
    if run.status != "ok":
        return [run.test.name, run.test.cmdline, "n/a: " + run.detail, "", "", ""]
    kills = s.get("oom_kills", 0)
    mean = s.get("oom_cycles", 0) / kills if kills else 0
    mx = s.get("oom_cycles_max", 0)
    return [run.test.name, run.test.cmdline, kills, "%.0f" % mean, mx, "%.3f" % (mx / TICK)]


def print_report(results, out):
    out.write("\nKill latency: cycles from the failing allocation to the exit line\n")
    report.table(["workload", "command", "kills", "mean cycles", "max cycles", "max / tick"],
                 [row(r) for r in results], out)


def as_dict(run):
    s = run.stats
    return {"test": run.test.id, "status": run.status, "detail": run.detail,
            "oom_kills": s.get("oom_kills"), "oom_cycles": s.get("oom_cycles"),
            "oom_cycles_max": s.get("oom_cycles_max")}
