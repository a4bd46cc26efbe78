"""The disk part of `make bench` (issue 19): what swapping costs with the kernel's ATA
driver and with the driver as it was before page-sized commands, side by side in one run.

The old driver stays in the kernel behind the option `-ata=sector` (one sector per
command, 16-bit PIO, an interrupt and a sleep for each); the new one is the default
(`-ata=page`: a page per READ/WRITE MULTIPLE command, 32-bit PIO, polled). Two tables:
  - swap cost (`press cost`): emulated cycles of one swap-out and one swap-in fault,
    from the differences of three kinds of touches (cost_figures);
  - the swap tests of `make check` (vm/swap-*): cycles after kernel entry (STATS tsc -
    entry_tsc) of each, their sum, and the ratio old / new (issue 19's aim: at least 2x).
A third column, when a boot disk of the kernel before issue 19 is at hand (`make baseline`
builds it from git: BASELINE_REV in harness/harness.mk), runs the same workloads on that
kernel with its own driver: the whole gain of the issue, not only the driver's.
"""
import os

from harness import testcfg
from harness.vmbench import pressure, report, runs

OLD = ["-ata=sector"]                 # the kernel option that selects the old driver
DRIVERS = [("new", []), ("old", OLD)]
SWAP_TESTS = "vm/swap-"               # make check's swap tests: ids with this prefix
AIM_SWAP_OUT, AIM_SWAP_IN, AIM_RATIO = 2000, 5000, 2.0
BASELINE_IMG = os.path.join("build", "baseline", "boot.img")  # --baseline-img; None: no column


def drivers():
    """[(column, extra kernel options, boot disk or None)]: the new and old driver on this
    kernel, and the kernel before issue 19 if its boot disk exists."""
    cols = [(d, extra, None) for d, extra in DRIVERS]
    if BASELINE_IMG and os.path.isfile(BASELINE_IMG):
        cols.append(("before", [], BASELINE_IMG))
    return cols


def cost_test():
    """The bench test that runs `press cost`, or None."""
    tests = [t for t in runs.bench_tests("press") if t.cmdline.split()[1:2] == ["cost"]]
    return tests[0] if tests else None


def swap_tests():
    """make check's swap tests (not bench = yes), sorted by id."""
    return [t for t in testcfg.load_tests() if t.id.startswith(SWAP_TESTS) and not t.bench]


def plan():
    """(cost test or None, swap tests, [(test, extra options)] in the order collect reads:
    the cost test under each driver, then each swap test under each driver)."""
    cost, tests, cols = cost_test(), swap_tests(), drivers()
    pairs = [(t, extra, img) for t in ([cost] if cost else []) + tests for _, extra, img in cols]
    return cost, tests, pairs


def collect(cost, tests, results):
    """{"cost": {driver: Run}, "tests": [(test, {driver: Run})]} from plan's runs."""
    it, names = iter(results), [d for d, _, _ in drivers()]
    take = lambda: {d: next(it) for d in names}
    return {"cost": take() if cost else {}, "tests": [(t, take()) for t in tests]}


def cost_figures(run):
    """Cycles of one swap-out and one swap-in from a `press cost` run, or None.

    free: a zero-fill fault with a free frame; evict: the same plus evicting a dirty page to
    swap; swapin: a fault on a swapped-out page that also evicts a dirty page. Then one
    swap-out is evict - free and one swap-in fault is swapin - (evict - free)."""
    if run.status != "ok":
        return None
    per = {}
    for line in run.lines():
        m = pressure.COST_RE.match(line)
        if m:
            per[pressure.COST_KEYS[m.group(2)]] = int(m.group(3)) / int(m.group(1))
    if len(per) != 3:
        return None
    out = {"zero_fill_fault": per["free"], "fault_with_swap_out": per["evict"],
           "swap_in_fault_with_swap_out": per["swapin"]}
    out["swap_out"] = per["evict"] - per["free"]
    out["swap_in_fault"] = per["swapin"] - out["swap_out"]
    out["stats"] = pressure.pick_stats(run.stats)
    return out


def after_entry(run):
    """Cycles from kernel entry to power-off of a clean run, else None. A program that
    exits with an error counts: vm/swap-full and vm/swap-none run out of memory on purpose."""
    s = run.stats
    clean = run.status == "ok" or run.detail.startswith("the program exited with an error")
    if not clean or "tsc" not in s or "entry_tsc" not in s:
        return None
    return s["tsc"] - s["entry_tsc"]


def print_cost(by_driver, out):
    """The swap-cost table, one column per driver."""
    out.write("\nSwap cost (press cost, default policy): emulated cycles per touch, the kernel's ATA "
              "driver against the old one (-ata=sector)\n")
    figs = {d: cost_figures(r) for d, r in by_driver.items()}
    if not any(figs.values()):
        for d, r in by_driver.items():
            out.write("  %s driver n/a: %s\n" % (d, r.detail if r.status != "ok" else "no cost lines"))
        return figs

    def col(d, key, fmt="%.0f"):
        f = figs.get(d)
        return fmt % f[key] if f else "n/a: " + by_driver[d].detail

    rows = [["zero-fill, frame free", "zero_fill_fault", None],
            ["zero-fill + swap-out of a dirty page", "fault_with_swap_out", None],
            ["swap-in + swap-out of a dirty page", "swap_in_fault_with_swap_out", None],
            ["=> one swap-out", "swap_out", AIM_SWAP_OUT],
            ["=> one swap-in fault", "swap_in_fault", AIM_SWAP_IN]]
    before = "before" in by_driver
    ratio = lambda d, k: (report.ratio(figs[d][k], figs["new"][k]) if figs["new"] and figs.get(d)
                          else "-")
    report.table(["fault", "new driver", "old driver", "old / new"]
                 + (["before issue 19", "before / new"] if before else []) + ["aim (new)"],
                 [[label, col("new", k), col("old", k), ratio("old", k)]
                  + ([col("before", k), ratio("before", k)] if before else [])
                  + ["at most %d" % aim if aim else ""] for label, k, aim in rows], out)
    if before:
        rev = os.path.join(os.path.dirname(BASELINE_IMG), "rev")
        name = ("commit " + open(rev).read().strip()) if os.path.isfile(rev) else BASELINE_IMG
        out.write("  before issue 19: the kernel of %s, with its own driver\n" % name)
    for d in ("new", "old"):
        s = figs[d]["stats"] if figs.get(d) else {}
        if "swap_out" in s:
            out.write("  %s driver, whole run: %d swap-outs, %d swap-ins\n"
                      % (d, s["swap_out"], s.get("swap_in", 0)))
    return figs


def print_tests(rows, out):
    """The swap tests' cycles after kernel entry, per driver, and their sums; returns
    {"tests": [...], "total": {...}}."""
    out.write("\nSwap tests of make check (%s*): emulated cycles after kernel entry, the kernel's "
              "ATA driver against the old one (-ata=sector)\n" % SWAP_TESTS)
    cols = [d for d in ("new", "old", "before") if rows and d in rows[0][1]]
    before = "before" in cols
    table, doc, sums = [], [], {d: 0 for d in cols}
    complete = True
    for t, by_driver in rows:
        c = {d: after_entry(r) for d, r in by_driver.items()}
        if None in c.values():
            complete = False
            why = "; ".join("%s: %s" % (d, by_driver[d].detail) for d in c if c[d] is None)
            table.append([t.id] + ["-"] * (2 + 2 * before) + ["n/a: " + why])
        else:
            for d in sums:
                sums[d] += c[d]
            table.append([t.id, c["new"], c["old"], report.ratio(c["old"], c["new"])]
                         + ([c["before"], report.ratio(c["before"], c["new"])] if before else []))
        doc.append(dict({"test": t.id}, **c))
    ratio = lambda d: report.ratio(sums[d], sums["new"]) if sums["new"] else "-"
    total = (["all%s" % ("" if complete else " (clean runs only)"), sums["new"], sums["old"],
              ratio("old")] + ([sums["before"], ratio("before")] if before else []))
    report.table(["test", "new driver", "old driver", "old / new"]
                 + (["before issue 19", "before / new"] if before else []), table + [total], out)
    out.write("  aim (issue 19): at least %.0fx fewer cycles in all than before the issue (%s)\n"
              % (AIM_RATIO, "before / new" if before else "old / new: the driver's part only; "
                 "make baseline adds the kernel before the issue"))
    return {"tests": doc, "total": sums}


def print_report(collected, out):
    """Both tables; returns the bench.json part."""
    doc = {}
    if collected["cost"]:
        figs = print_cost(collected["cost"], out)
        doc["swap_cost"] = {d: (f if f else {"status": collected["cost"][d].status,
                                             "detail": collected["cost"][d].detail})
                            for d, f in figs.items()}
    if collected["tests"]:
        doc["swap_tests_after_entry"] = print_tests(collected["tests"], out)
    return doc


def all_runs(collected):
    """The runs for vmbench's closing line, without the swap tests that end in an error exit on
    purpose (counted there as neither failed nor unsupported)."""
    runs_ = list(collected["cost"].values()) + [r for _, d in collected["tests"] for r in d.values()]
    return [r for r in runs_ if r.status == "ok" or after_entry(r) is None]
