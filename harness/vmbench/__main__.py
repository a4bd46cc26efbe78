"""make bench, the VM workloads (python3 -m harness.vmbench): memory pressure against the
simulated policies, the cost of a swap-out and a swap-in and the swap tests' cycles with
the kernel's ATA driver and the old one, fork eager against copy-on-write, the other
bench = yes workloads, and what the VM trace's hooks cost with the trace off (tracecost.py). Prints the tables, writes build/results/bench.json and bench.svg.

usage: python3 -m harness.vmbench [-j JOBS] [--policies fifo,clock,...] [--evict NAME]
            [--fork eager|cow] [--only pressure|disk|fork|oom|other|trace] [--boot-img PATH]
            [--baseline-img PATH]
            [--results DIR]
Exit status: 0 when every run that the kernel supports finished cleanly, 1 when one
crashed, timed out or leaked, 2 on bad arguments.
"""
import argparse
import json
import os
import sys
import time

from harness.vmbench import disk, forks, oom, others, plot, pressure, runs, tracecost
from harness.common import RESULTS, HarnessError, die


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise HarnessError(message)


def parse_args(argv):
    ap = Parser(prog="vmbench", description="Kestrel VM benchmarks")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--policies", default=",".join(pressure.KERNEL_POLICIES),
                    help="kernel eviction policies, comma-separated (-evict=NAME)")
    ap.add_argument("--evict", metavar="NAME",
                    help="measure only this kernel policy (and fifo, for the model check)")
    ap.add_argument("--fork", metavar="MODE", choices=forks.MODES,
                    help="run the fork workloads only with -fork=MODE")
    ap.add_argument("--results", default=RESULTS)
    ap.add_argument("--only", choices=("pressure", "disk", "fork", "oom", "other", "trace"))
    ap.add_argument("--boot-img", help="boot disk of another kernel (default build/boot.img)")
    ap.add_argument("--baseline-img", default=disk.BASELINE_IMG,
                    help="boot disk of the kernel before issue 19, for the disk tables' third "
                         "column (default %(default)s, made by make baseline; skipped if absent)")
    args = ap.parse_args(argv)
    if args.jobs < 1:
        raise HarnessError("-j takes a number of jobs >= 1")
    if args.boot_img and not os.path.isfile(args.boot_img):
        raise HarnessError("no boot disk %s" % args.boot_img)
    args.policies = [p for p in args.policies.split(",") if p]
    if args.evict:
        args.policies = ["fifo"] + ([args.evict] if args.evict != "fifo" else [])
    if not args.policies or "fifo" not in args.policies:
        raise HarnessError("--policies must include fifo (the model check needs it)")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    t0 = time.monotonic()
    runs.BOOT_IMG = args.boot_img
    disk.BASELINE_IMG = args.baseline_img
    out = sys.stdout
    doc = {"policies": args.policies}
    pairs, p_out, f_out, d_plan = [], [], [], None
    if args.only in (None, "pressure"):
        p_out, p_pairs = pressure.plan(args.policies)
        pairs += p_pairs
    if args.only in (None, "disk"):
        cost, swap_tests, d_pairs = disk.plan()
        d_plan = (cost, swap_tests, len(d_pairs))
        pairs += d_pairs
    if args.only in (None, "fork"):
        f_out, f_pairs = forks.plan([args.fork] if args.fork else forks.MODES)
        pairs += f_pairs
    k_tests = []
    if args.only in (None, "oom"):
        k_tests, k_pairs = oom.plan()
        pairs += k_pairs
    o_tests = []
    if args.only in (None, "other"):
        o_tests, o_pairs = others.plan()
        pairs += o_pairs
    t_tests = []
    if args.only in (None, "trace"):
        t_tests, t_pairs = tracecost.plan()
        pairs += t_pairs
    if not pairs:
        raise HarnessError("no bench workloads declared (bench = yes, program press or forkb)")
    out.write("vmbench: %d runs on %d jobs\n" % (len(pairs), args.jobs))
    out.flush()
    results = runs.boot_all(args.jobs, pairs)
    n_p = sum(len(o.policies) for o in p_out)
    if p_out:
        pressure.collect(p_out, results[:n_p])
        pressure.print_report(p_out, out)
        pressure.print_aims(p_out, out)
        doc["pressure"] = [o.as_dict() for o in p_out]
    n_d = n_p + (d_plan[2] if d_plan else 0)
    d_runs = []
    if d_plan:
        collected = disk.collect(d_plan[0], d_plan[1], results[n_p:n_d])
        doc.update(disk.print_report(collected, out))
        d_runs = disk.all_runs(collected)
    n_f = n_d + sum(len(o.modes) for o in f_out)
    k_runs = results[n_f:n_f + len(k_tests)]
    n_o = n_f + len(k_tests) + len(o_tests)
    o_runs = results[n_f + len(k_tests):n_o]
    t_runs = results[n_o:]
    if f_out:
        forks.collect(f_out, results[n_d:n_f], args.jobs)
        forks.print_report(f_out, out)
        doc["fork"] = [o.as_dict() for o in f_out]
    if k_runs:
        oom.print_report(k_runs, out)
        doc["oom"] = [oom.as_dict(r) for r in k_runs]
    if o_runs:
        others.print_report(o_runs, out)
        doc["other"] = [others.as_dict(r) for r in o_runs]
    if t_runs:
        t_rows = tracecost.rows(t_tests, t_runs)
        tracecost.print_report(t_rows, out)
        doc["trace_cost"] = t_rows
    all_runs = ([r for o in p_out for r in o.runs.values()] + [r for o in f_out for r in o.runs.values()]
                + d_runs + k_runs + o_runs + t_runs)
    failed = [r for r in all_runs if r.status == "failed" and not unsupported_workload(r)]
    os.makedirs(args.results, exist_ok=True)
    jpath = os.path.join(args.results, "bench.json")
    with open(jpath, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    spath = os.path.join(args.results, "bench.svg")
    series = ["sim %s" % p for p in ("fifo", "clock", "lru")] + ["kernel %s" % p for p in args.policies]
    plot.write(spath, pressure_groups(p_out), series,
               [(o.test.name, {m: o.cost(m) for m in o.modes}) for o in f_out],
               f_out[0].modes if f_out else [], pressure_notes(p_out))
    out.write("\nwrote %s and %s\n" % (os.path.relpath(jpath), os.path.relpath(spath)))
    for r in failed:
        out.write("FAILED %s %s: %s\n" % (r.test.id, " ".join(r.extra), r.detail))
    out.write("vmbench: %d runs, %d failed, %d not supported by this kernel (%.0f s)\n" % (
        len(all_runs), len(failed), sum(1 for r in all_runs if r not in failed and r.status != "ok"),
        time.monotonic() - t0))
    return 1 if failed else 0


def unsupported_workload(run):
    """A pressure run that failed only because the kernel cannot swap (no eviction yet):
    reported as n/a, not as a failure."""
    return run.detail.startswith("the program exited with an error")


def pressure_notes(outcomes):
    """Footnotes of the plot's pressure panel for its workloads marked `*`."""
    two = [o.test.name for o in outcomes if not o.workload.exact()]
    if not two:
        return []
    return ["* %s: several processes. Their OPT is simulated with the processes' touches strictly "
            "alternating;" % ", ".join(two),
            "   the scheduler runs each for whole time slices instead, so the kernel can fault "
            "less than this OPT (a ratio below 1 there is expected)."]


def pressure_groups(outcomes):
    """[(workload name, `*` when several processes, {series: faults / OPT's})]."""
    groups = []
    for o in outcomes:
        best = o.sim["opt"]["faults"]
        vals = {}
        for p in ("fifo", "clock", "lru"):
            vals["sim %s" % p] = o.sim[p]["faults"] / best
        for p in o.policies:
            k = o.kernel.get(p)
            vals["kernel %s" % p] = k["faults"] / best if k else None
        groups.append((o.test.name + ("" if o.workload.exact() else " *"), vals))
    return groups


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        die("vmbench", e)
    except KeyboardInterrupt:
        runs.abort()
        sys.stdout.write("\nvmbench: interrupted; every emulator stopped\n")
        sys.exit(130)
