"""The fork part of `make bench` (issue 10): every bench test whose program is `forkb`,
once with each of -fork=eager (copy every resident page at fork), -fork=share (share each
resident page copy-on-write at fork), -fork=lazy (the child takes its pages on first touch)
and -fork=cow (the default: share for small processes,
lazy for large ones: the child takes its pages on first touch), side by side. A kernel without the -fork option copies eagerly: its eager column is then a run with
no option and its cow column is n/a."""
import re

from harness.vmbench import report, runs

MODES = ["eager", "share", "lazy", "cow"]
VALUE_RE = re.compile(r"^\(\S+\) (forks|fork cycles|reaped cycles|chain cycles per level|"
                      r"child pages written|child write cycles): (\d+)$")
CHILD_FAULTS_RE = re.compile(r"^\(\S+\) child faults: total (\d+) file (\d+) zero (\d+) "
                             r"stack (\d+) swapin (\d+) wp (\d+) invalid (\d+)$")
STATS_KEYS = ("fork_copied", "pf_total", "pf_major", "pf_minor", "pf_wp", "pf_wp_copy",
              "pf_wp_reuse", "pf_inherit", "pf_zero", "pf_file", "tsc", "boot_tsc")


def figures(run):
    """What a forkb run printed and counted, or None if it did not finish."""
    if run.status != "ok":
        return None
    out = {}
    for line in run.lines():
        m = VALUE_RE.match(line)
        if m:
            out[m.group(1).replace(" ", "_")] = int(m.group(2))
        m = CHILD_FAULTS_RE.match(line)
        if m:
            out["child_faults"] = dict(zip(("total", "file", "zero", "stack", "swapin", "wp",
                                            "invalid"), (int(x) for x in m.groups())))
    out["stats"] = {k: run.stats[k] for k in STATS_KEYS if k in run.stats}
    if "tsc" in run.stats and "boot_tsc" in run.stats:
        out["run_cycles"] = run.stats["tsc"] - run.stats["boot_tsc"]
    return out


class Outcome:
    def __init__(self, test, modes):
        self.test = test
        self.modes = list(modes)
        self.runs = {}
        self.fig = {}
        self.notes = []

    def take(self, mode, run):
        self.runs[mode] = run
        self.fig[mode] = figures(run)

    def cost(self, mode):
        """Cycles per fork including what the child's writes cost: fork() in the parent
        (or, for a chain, per level) plus the child's write loop."""
        f = self.fig.get(mode)
        if not f:
            return None
        base = f.get("fork_cycles", f.get("chain_cycles_per_level"))
        if base is None:
            return None
        return base + f.get("child_write_cycles", 0)

    def as_dict(self):
        return {"test": self.test.id, "cmdline": self.test.cmdline, "notes": self.notes,
                "modes": {m: {"status": r.status, "detail": r.detail, "options": r.extra,
                              "figures": self.fig.get(m)} for m, r in self.runs.items()}}


def plan(modes):
    """(outcomes, [(test, extra options)]) for every forkb workload in each of MODES."""
    outcomes = [Outcome(t, modes) for t in runs.bench_tests("forkb")]
    pairs = [(o.test, ["-fork=%s" % m]) for o in outcomes for m in o.modes]
    return outcomes, pairs


def collect(outcomes, results, jobs):
    """Stores the runs; reruns eager without the option where the kernel lacks -fork."""
    it = iter(results)
    again = []
    for o in outcomes:
        for m in o.modes:
            run = next(it)
            o.take(m, run)
            if m == "eager" and run.status == "unsupported":
                again.append(o)
    for o, run in zip(again, runs.boot_all(jobs, [(o.test, []) for o in again])):
        o.take("eager", run)
        o.notes.append("kernel has no -fork option: eager is its only fork, run without it")


def _stat(f, key):
    if not f:
        return "n/a"
    v = f["stats"].get(key)
    return "-" if v is None else str(v)


def print_report(outcomes, out):
    out.write("\nFork: eager copy against copy-on-write, shared at fork (share) or taken on "
              "first touch for large processes (cow) (cycles = emulated instructions, rdtsc)\n")
    head = ["workload", "mode", "frames copied", "cycles/fork", "+child writes", "ratio",
            "wp copy", "wp reuse", "inherit", "child faults", "run cycles"]
    rows = []
    for o in outcomes:
        eager = o.cost("eager")
        for m in o.modes:
            f = o.fig.get(m)
            if f is None:
                rows.append([o.test.name, m, "n/a: " + o.runs[m].detail] + [""] * 8)
                continue
            per = f.get("fork_cycles", f.get("chain_cycles_per_level"))
            cf = f.get("child_faults")
            rows.append([o.test.name, m, _stat(f, "fork_copied"), per,
                         f.get("child_write_cycles", "-"), report.ratio(o.cost(m), eager),
                         _stat(f, "pf_wp_copy"), _stat(f, "pf_wp_reuse"), _stat(f, "pf_inherit"),
                         "%d (wp %d)" % (cf["total"], cf["wp"]) if cf else "-",
                         f.get("run_cycles", "-")])
    report.table(head, rows, out)
    out.write("  cycles/fork: the parent's fork() (chain: per level, fork to reaped); "
              "+child writes: the child's write loop;\n  ratio: (cycles/fork + child writes) "
              "against eager's; inherit: faults that mapped a page taken from the parent\n")
    for o in outcomes:
        for n in o.notes:
            out.write("  %s: %s\n" % (o.test.name, n))
