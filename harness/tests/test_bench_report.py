"""Unit tests of the benchmark's console parsing, classification, tables and plot, on
synthetic consoles (no emulator)."""
import io
import os
import tempfile
import unittest
import xml.dom.minidom

from harness.vmbench import disk, forks, others, plot, pressure, report, runs, tracecost

STATS = ("STATS tsc=5000 boot_tsc=1000 pf_total=9 upool_used=0 kpool_used=20 kpool_boot=20 "
         "swap_out=64 swap_in=32 fork_copied=0 pf_wp_copy=41")


class FakeTest:
    def __init__(self, cmdline, kernel_args=()):
        self.cmdline = cmdline
        self.name = self.id = cmdline.replace(" ", "-")
        self.kernel_args = list(kernel_args)


class FakeResult:
    def __init__(self, text, status="poweroff", detail="", trace=None):
        self.console = text.encode()
        self.status = status
        self.detail = detail
        self.trace = trace

    def text(self):
        return self.console.decode()


def console(cmdline, lines, stats=STATS, exit_status=0):
    prog = cmdline.split()[0]
    return "\n".join(["Kestrel booting with 20480 kB RAM...", "Boot complete.",
                      "Executing '%s':" % cmdline] + lines
                     + ["%s: exit(%d)" % (prog, exit_status), "Execution of '%s' complete." % cmdline,
                        stats, "Powering off..."]) + "\n"


def make_run(cmdline, lines, extra=(), **kw):
    t = FakeTest(cmdline)
    return runs.Run(t, extra, FakeResult(console(cmdline, lines, **kw)))


class ClassifyTest(unittest.TestCase):
    def test_ok(self):
        self.assertEqual(make_run("press seq 4", []).status, "ok")

    def test_unknown_option_is_unsupported(self):
        t = FakeTest("press seq 4")
        r = runs.Run(t, ["-evict=2q"], FakeResult("Unknown option: -evict=2q (options: ...)\n"))
        self.assertEqual((r.status, r.detail), ("unsupported", "kernel has no option -evict=2q"))

    def test_failures(self):
        self.assertEqual(make_run("press seq 4", [], exit_status=-1).status, "failed")
        leak = STATS.replace("upool_used=0", "upool_used=3")
        self.assertIn("leaked", make_run("press seq 4", [], stats=leak).detail)
        slot = STATS + " swap_used=2"
        self.assertIn("swap_used=2", make_run("press seq 4", [], stats=slot).detail)
        t = FakeTest("press seq 4")
        r = runs.Run(t, [], FakeResult("PANIC at x.c:1 in f: no\n", status="panic"))
        self.assertEqual(r.status, "failed")


class PressureTest(unittest.TestCase):
    def test_loop_faults_sum_over_processes(self):
        line = "(press) loop faults: total 10 file 2 zero 5 stack 0 swapin 3 wp 0 invalid 0"
        k = pressure.loop_faults(make_run("press two 4 2", [line, line]))
        self.assertEqual(k, {"faults": 20, "cold": 10, "major": 10, "array": 16, "code": 4,
                             "other": 0, "processes": 2})
        self.assertIsNone(pressure.loop_faults(make_run("press seq 4", [])))

    def test_loop_windows(self):
        r = make_run("press two 4 2 9", ["(press) loop window: 100 200", "(press) loop window: 150 400"])
        self.assertEqual(pressure.windows(r), [(100, 200), (150, 400)])
        self.assertEqual(pressure.windows(make_run("press seq 4", [])), [])

    def test_fifo_check(self):
        t = FakeTest("press loop 6 3", ["-ul=4"])
        o = pressure.Outcome(t, ["fifo"])
        s = o.sim["fifo"]
        line = ("(press) loop faults: total %d file %d zero 6 stack 0 swapin %d wp 0 invalid 0"
                % (s["faults"], s["code"], s["array"] - 6))
        o.take("fifo", runs.Run(t, ["-evict=fifo"], FakeResult(console(t.cmdline, [line]))))
        self.assertEqual(o.fifo_check()[0], "exact")
        line = line.replace("zero 6", "zero 7").replace("total %d" % s["faults"],
                                                        "total %d" % (s["faults"] + 1))
        o.take("fifo", runs.Run(t, ["-evict=fifo"], FakeResult(console(t.cmdline, [line]))))
        self.assertEqual(o.fifo_check()[0], "off by +1")
        out = io.StringIO()
        pressure.print_report([o], out)
        self.assertIn("off by +1", out.getvalue())

    def test_aims_mark_a_ratio_over_its_aim(self):
        t = FakeTest("press loop 6 3", ["-ul=4"])
        o = pressure.Outcome(t, ["fifo", "lirs"])
        best = o.sim["opt"]["faults"]
        for p, total in (("fifo", 2 * best), ("lirs", best)):
            line = "(press) loop faults: total %d file 0 zero 6 stack 0 swapin 0 wp 0 invalid 0" % total
            o.take(p, runs.Run(t, [], FakeResult(console(t.cmdline, [line]))))
        out = io.StringIO()
        pressure.print_aims([o], out)
        self.assertIn("loop 2.00!", out.getvalue())
        self.assertIn("loop 1.00\n", out.getvalue())

    def test_cost_figures(self):
        lines = ["(press) cost: 32 touches with free frames: 32000 cycles",
                 "(press) cost: 64 touches evicting a dirty page: 320000 cycles",
                 "(press) cost: 32 touches of swapped-out pages: 288000 cycles"]
        f = disk.cost_figures(make_run("press cost 64", lines))
        self.assertEqual((f["zero_fill_fault"], f["swap_out"], f["swap_in_fault"]),
                         (1000, 4000, 5000))
        self.assertIsNone(disk.cost_figures(make_run("press cost 64", lines[:2])))

    def test_cost_and_swap_tests_side_by_side(self):
        new = ["(press) cost: 32 touches with free frames: 32000 cycles",
               "(press) cost: 64 touches evicting a dirty page: 192000 cycles",
               "(press) cost: 32 touches of swapped-out pages: 160000 cycles"]
        old = [l.replace("192000", "512000").replace("160000", "800000") for l in new]
        t = FakeTest("swap-seq")
        stats = lambda tsc: STATS + " entry_tsc=1000 tsc=%d" % tsc
        collected = {"cost": {"new": make_run("press cost 64", new),
                              "old": make_run("press cost 64", old, extra=disk.OLD)},
                     "tests": [(t, {"new": make_run("swap-seq", [], stats=stats(11000)),
                                    "old": make_run("swap-seq", [], extra=disk.OLD,
                                                    stats=stats(31000))})]}
        out = io.StringIO()
        doc = disk.print_report(collected, out)
        text = out.getvalue()
        self.assertEqual((doc["swap_cost"]["new"]["swap_out"], doc["swap_cost"]["old"]["swap_out"]),
                         (2000, 7000))
        self.assertRegex(text, r"=> one swap-out +2000 +7000 +3\.50 +at most 2000")
        self.assertRegex(text, r"=> one swap-in fault +3000 +18000 +6\.00 +at most 5000")
        self.assertEqual(doc["swap_tests_after_entry"]["total"], {"new": 10000, "old": 30000})
        self.assertRegex(text, r"\nall +10000 +30000 +3\.00\n")
        unsupported = runs.Run(t, disk.OLD, FakeResult("Unknown option: -ata=sector (options: ...)\n"))
        collected["tests"][0][1]["old"] = unsupported
        out = io.StringIO()
        disk.print_report(collected, out)
        self.assertIn("kernel has no option -ata=sector", out.getvalue())


class ForkTest(unittest.TestCase):
    def test_figures_and_ratio(self):
        lines = ["(forkb) child pages written: 41", "(forkb) child write cycles: 500",
                 "(forkb) child faults: total 41 file 0 zero 0 stack 0 swapin 0 wp 41 invalid 0",
                 "(forkb) forks: 1", "(forkb) fork cycles: 1500", "(forkb) reaped cycles: 9000"]
        o = forks.Outcome(FakeTest("forkb touch 1"), ["eager", "cow"])
        o.take("cow", make_run("forkb touch 1", lines))
        o.take("eager", make_run("forkb touch 1", ["(forkb) fork cycles: 200000"]))
        self.assertEqual(o.fig["cow"]["child_faults"]["wp"], 41)
        self.assertEqual(o.fig["cow"]["stats"]["pf_wp_copy"], 41)
        self.assertEqual(o.cost("cow"), 2000)
        out = io.StringIO()
        forks.print_report([o], out)
        self.assertIn("0.01", out.getvalue())


class ReportTest(unittest.TestCase):
    def test_table_and_ratio(self):
        out = io.StringIO()
        report.table(["a", "bb"], [["xyz", 1], ["q", 22]], out)
        self.assertEqual(out.getvalue(), "a    bb\nxyz   1\nq    22\n")
        self.assertEqual(report.ratio(3, 2), "1.50")
        self.assertEqual(report.ratio(0, 0), "1.00")
        self.assertEqual(report.ratio(1, 0), "inf")
        self.assertEqual(report.ratio(26547, 10926818), "0.00243")
        self.assertEqual(report.cell(None), "n/a")

    def test_other_row_without_stats(self):
        r = make_run("bench-seq", [], exit_status=-1)
        self.assertTrue(others.row(r)[1].startswith("n/a"))

    def test_plot_is_well_formed_svg(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "b.svg")
            plot.write(path, [("press-loop", {"sim fifo": 2.4, "kernel 2q": None})],
                       ["sim fifo", "kernel 2q"], [("fork-exit", {"eager": 10 ** 6, "cow": 2000})],
                       ["eager", "cow"])
            doc = xml.dom.minidom.parse(path)
        self.assertEqual(doc.documentElement.tagName, "svg")


class TraceCostTest(unittest.TestCase):
    def run_of(self, tsc, swap_in=32, records=0):
        stats = STATS.replace("tsc=5000", "tsc=%d entry_tsc=1000" % tsc).replace(
            "swap_in=32", "swap_in=%d" % swap_in)
        t = FakeTest("x")
        return runs.Run(t, [], FakeResult(console("x", [], stats=stats),
                                          trace=b"\0" * 40 * records if records else None))

    def test_cost_per_record_and_an_estimate_where_the_work_differs(self):
        tests = [FakeTest("a"), FakeTest("b")]
        results = [self.run_of(101000), self.run_of(106000), self.run_of(106000, records=100),
                   self.run_of(201000), self.run_of(151000, swap_in=30),
                   self.run_of(151000, swap_in=30, records=300)]
        rs = tracecost.rows(tests, results)
        self.assertEqual((rs[0]["none"], rs[0]["off"], rs[0]["events"], rs[0]["same_work"]),
                         (100000, 105000, 100, True))
        self.assertTrue(rs[0]["identical"])
        self.assertFalse(rs[1]["same_work"])
        self.assertEqual(tracecost.per_record(rs), 50)
        out = io.StringIO()
        tracecost.print_report(rs, out)
        text = out.getvalue()
        self.assertRegex(text, r"\n\S*a\s+100000\s+105000\s+\+5000\s+\+5\.00%\s+100\s+50\s+yes\s+yes")
        # b: 300 records x 50 cycles over its 150000 cycles with the trace off
        self.assertRegex(text, r"\n\S*b\s+200000\s+150000\s+\(-50000\)\s+~\+10\.00%\s+300\s+-\s+no\s+yes")


class CommandLineTest(unittest.TestCase):
    def test_bad_arguments_are_one_line(self):
        import subprocess
        import sys
        from harness.common import ROOT
        for argv in (["--policies", "clock"], ["-j", "0"], ["--only", "x"], ["--fork", "nosuch"],
                     ["--boot-img", "/nonexistent"]):
            r = subprocess.run([sys.executable, "-m", "harness.vmbench"] + argv, cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.assertEqual(r.returncode, 2, argv)
            self.assertEqual(len(r.stderr.decode().strip().splitlines()), 1, r.stderr)
            self.assertNotIn("Traceback", r.stderr.decode())


if __name__ == "__main__":
    unittest.main()
