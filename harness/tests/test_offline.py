"""Harness self-tests that need no emulator (fast; part of make check as harness/selftest)."""
import configparser
import json
import os
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

from harness import runner, testcfg, verdict
from harness.common import HarnessError, ROOT
from harness.ending import Ending, classify
from harness.machine import RunResult

PY = sys.executable
STATS = ("STATS ticks=10 idle_ticks=0 kernel_ticks=10 user_ticks=0 tsc=1000 boot_tsc=10 "
         "pf_total=5 pf_file=2 pf_zero=3 pf_stack=0 pf_swapin=0 pf_wp=0 pf_invalid=0 "
         "kpool_used=20 kpool_total=400 kpool_boot=20 upool_used=0 upool_total=400")


def console(body, cmdline="demo", stats=STATS, end=True):
    lines = ["Kestrel booting with 20092 kB RAM...", "Boot complete.", "Executing '%s':" % cmdline]
    lines += body
    if end:
        lines.append("Execution of '%s' complete." % cmdline)
    lines += ["Timer: 10 ticks", stats, "Powering off..."]
    return ("\n".join(lines) + "\n").encode()


def make_test(cfg_text, name="demo", suite="unit"):
    cp = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";",))
    cp.read_string("[%s]\n%s" % (name, cfg_text))
    return testcfg.Test(suite, name, cp[name], "test.cfg")


def result(data, status="poweroff", detail=""):
    r = RunResult()
    r.console, r.status, r.detail = data, status, detail
    return r


class ClassifyTests(unittest.TestCase):
    def test_power_off_with_lost_console_tail_is_an_error(self):
        head = "Kestrel booting with 20092 kB RAM...\nBoot complete.\nExecuting 'debug"
        self.assertEqual(classify(head, Ending("shutdown"))[0], "error")
        self.assertEqual(classify(head + "-x':\nPowering off...\n", Ending("shutdown")),
                         ("poweroff", ""))
        self.assertEqual(classify(head + "\nPowering off...\n", Ending("exit"))[0], "poweroff")


class ConsoleChannelTests(unittest.TestCase):
    """The power-off statistics' channel (the parallel port's file) put back in the console
    text, before `Powering off...`, however the two files' bytes arrive between polls."""
    HEAD = b"Executing 'x':\nExecution of 'x' complete.\nTimer: 3 ticks\nThread: 0 idle ticks\n"
    STATS = b"hd0:0: 1 reads, 0 writes\nSTATS ticks=3\n"
    END = b"Powering off...\n"

    def feed(self, steps):
        """STEPS: (console bytes, channel bytes) appended before each poll."""
        from harness.console import Console
        with tempfile.TemporaryDirectory() as d:
            con, chan = os.path.join(d, "console.out"), os.path.join(d, "stats.out")
            c = Console(con, None, True, chan)
            for a, b in steps:
                with open(con, "ab") as f:
                    f.write(a)
                if b:
                    with open(chan, "ab") as f:
                        f.write(b)
                c.poll()
            c.finish()
            return c.data

    def test_every_split_gives_the_kernel_order(self):
        want = self.HEAD + self.STATS + self.END
        for cut in range(len(self.END) + 1):
            for split in (0, 7, len(self.STATS)):
                steps = [(self.HEAD[:20], b""), (self.HEAD[20:] + self.END[:cut], self.STATS[:split]),
                         (self.END[cut:], self.STATS[split:])]
                if cut and split < len(self.STATS):
                    continue    # impossible: the kernel starts that line after the whole channel
                self.assertEqual(self.feed(steps), want, (cut, split))

    def test_no_channel_is_the_console_alone(self):
        self.assertEqual(self.feed([(self.HEAD, b""), (self.END, b"")]), self.HEAD + self.END)

    def test_channel_after_the_last_console_byte_is_kept(self):
        self.assertEqual(self.feed([(self.HEAD, b""), (b"", self.STATS)]), self.HEAD + self.STATS)

    def test_a_line_that_only_looks_like_the_power_off_line_stays_first(self):
        head = self.HEAD + b"Pow"   # not at the end of the run: a later byte tells
        self.assertEqual(self.feed([(head + b"er\n", self.STATS), (self.END, b"")]),
                         head + b"er\n" + self.STATS + self.END)


class VerdictTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.exp = self.tmp.name
        os.makedirs(os.path.join(self.exp, "unit"))
        self.write("demo.out", "(demo) begin\n(demo) end\n")

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, text):
        with open(os.path.join(self.exp, "unit", name), "w") as f:
            f.write(text)

    def judge(self, data, cfg="", status="poweroff", detail="", faults=True, symbolize=None):
        return verdict.judge(make_test(cfg), result(data, status, detail), self.exp, faults, symbolize)

    def test_pass(self):
        v = self.judge(console(["(demo) begin", "(demo) end"]))
        self.assertEqual(v.status, "PASS", v.reason)
        self.assertEqual(v.faults["zero-fill"], 3)
        self.assertEqual(v.stats["tsc"], 1000)

    def test_fault_injection_allows_diffs_not_leaks(self):
        v = verdict.judge(make_test(""), result(console(["(demo) begin", "(demo) END"])), self.exp,
                          False, None, diff_ok=True)
        self.assertEqual(v.status, "PASS", v.reason)
        self.assertTrue(any("fault injection" in n for n in v.notes))
        leaky = STATS.replace("upool_used=0", "upool_used=2")
        v = verdict.judge(make_test(""), result(console(["(demo) begin"], stats=leaky)), self.exp,
                          False, None, diff_ok=True)
        self.assertEqual(v.status, "FAIL")
        self.assertIn("leaked pages", v.reason)

    def test_stats_max(self):
        ok = STATS + " tick_gap_max=900"
        self.assertEqual(self.judge(console(["(demo) begin", "(demo) end"], stats=ok),
                                    "stats_max = tick_gap_max:1000").status, "PASS")
        v = self.judge(console(["(demo) begin", "(demo) end"], stats=STATS + " tick_gap_max=1001"),
                       "stats_max = tick_gap_max:1000")
        self.assertEqual(v.status, "FAIL")
        self.assertIn("tick_gap_max=1001 is above its limit 1000", v.reason)
        v = self.judge(console(["(demo) begin", "(demo) end"]), "stats_max = tick_gap_max:1000")
        self.assertIn("lacks tick_gap_max", v.reason)
        with self.assertRaises(HarnessError):
            make_test("stats_max = tick_gap_max")

    def test_changed_line_fails_with_diff(self):
        v = self.judge(console(["(demo) begin", "(demo) END"]))
        self.assertEqual(v.status, "FAIL")
        self.assertIn("output differs", v.reason)
        self.assertIn("-(demo) end", v.details)
        self.assertIn("+(demo) END", v.details)

    def test_alternative_and_closest(self):
        self.write("demo.alt1.out", "(demo) begin\n(demo) other\n(demo) end\n")
        self.assertEqual(self.judge(console(["(demo) begin", "(demo) other", "(demo) end"])).status, "PASS")
        v = self.judge(console(["(demo) begin", "(demo) other", "(demo) fin"]))
        self.assertEqual(v.status, "FAIL")
        self.assertIn("demo.alt1.out", v.reason)

    def test_ignore_exit(self):
        data = console(["(demo) begin", "child: exit(3)", "(demo) end"])
        self.assertEqual(self.judge(data).status, "FAIL")
        self.assertEqual(self.judge(data, "ignore_exit = yes").status, "PASS")

    def test_missing_expected(self):
        os.remove(os.path.join(self.exp, "unit", "demo.out"))
        v = self.judge(console(["(demo) begin"]))
        self.assertEqual(v.status, "ERROR")
        self.assertIn("missing expected file", v.reason)

    def test_invariants(self):
        leaky = STATS.replace("upool_used=0", "upool_used=3")
        v = self.judge(console(["(demo) begin", "(demo) end"], stats=leaky))
        self.assertEqual(v.status, "FAIL")
        self.assertIn("leaked pages: 3 user-pool", v.reason)
        kleak = STATS.replace("kpool_used=20", "kpool_used=21")
        self.assertIn("kernel pool 21", self.judge(console(["(demo) begin", "(demo) end"], stats=kleak)).reason)
        data = console(["(demo) begin", "(demo) end"]).replace(b"Boot complete.\n", b"")
        self.assertIn("Boot complete", self.judge(data).reason)
        data = console(["(demo) begin", "(demo) end"]).replace(b"Powering off...\n", b"")
        self.assertIn("Powering off", self.judge(data).reason)

    def test_halt_inside_action(self):
        leaky = STATS.replace("upool_used=0", "upool_used=5")
        self.write("demo.out", "(demo) begin\n")
        v = self.judge(console(["(demo) begin"], stats=leaky, end=False))
        self.assertEqual(v.status, "PASS", v.reason)

    def test_crash_and_timeout(self):
        data = console(["(demo) begin", "Kernel PANIC at a.c:1 in f(): boom", "Call stack: 0x10 0x20"], end=False)
        v = self.judge(data, status="panic", detail="Kernel PANIC at a.c:1 in f(): boom",
                       symbolize=lambda text: ["0x10: f (a.c:1)"])
        self.assertEqual(v.status, "CRASH")
        self.assertIn("  0x10: f (a.c:1)", v.details)
        v = self.judge(b"Kestrel booting", status="timeout", detail="no console output for 5 s")
        self.assertEqual(v.status, "TIMEOUT")
        self.assertIn("no console output", v.reason)

    def test_fault_baseline(self):
        self.write("demo.faults", "total 5\nfile 2\nzero-fill 1\n# comment\nticks 3\n")
        v = self.judge(console(["(demo) begin", "(demo) end"]))
        self.assertEqual(v.status, "FAIL")
        self.assertIn("page faults changed: zero-fill 1 -> 3", v.reason)
        self.assertEqual(self.judge(console(["(demo) begin", "(demo) end"]), faults=False).status, "PASS")
        text = verdict.format_faults("unit/demo", {"total": 5, "zero-fill": 3}, {"ticks": 9, "tsc": 70, "boot_tsc": 7})
        self.assertIn("cycles 63", text)
        self.write("demo.faults", text)
        self.assertEqual(self.judge(console(["(demo) begin", "(demo) end"])).status, "PASS")


class ConfigTests(unittest.TestCase):
    def test_defaults_and_words(self):
        t = make_test("cmdline = args-many a  b\nkernel_args = -ul=64\nswap = 4\n", "args-many", "userprog")
        self.assertEqual(t.files, ["args-many"])
        self.assertEqual(t.kernel_words(7, None), ["-q", "-ul=64", "-seed=7", "run", "args-many a  b"])
        self.assertIn("--swap-disk=4", t.pintos_command())
        self.assertIn("'args-many a  b'", t.pintos_command())
        k = make_test("kind = kernel\n", "sleep-order", "threads")
        self.assertEqual(k.files, [])
        self.assertEqual(k.kernel_words(), ["-q", "run", "sleep-order"])

    def test_bad_values(self):
        with self.assertRaises(HarnessError):
            make_test("mem = lots\n")
        with self.assertRaises(HarnessError):
            make_test("kind = strange\n")

    def test_select_and_suggest(self):
        tests = [make_test("", n, s) for s, n in [("threads", "sleep-order"), ("threads", "sleep-zero"),
                                                  ("userprog", "args-none")]]
        ids = [t.id for t in testcfg.select(tests, ["threads/sleep-*"])]
        self.assertEqual(ids, ["threads/sleep-order", "threads/sleep-zero"])
        self.assertEqual([t.id for t in testcfg.select(tests, ["args-none"])], ["userprog/args-none"])
        self.assertEqual(len(testcfg.select(tests, ["threads"])), 2)
        with self.assertRaises(HarnessError) as cm:
            testcfg.select(tests, ["threads/sleep-ordr"])
        self.assertIn("did you mean threads/sleep-order", str(cm.exception))

    def test_seeds_and_shards(self):
        self.assertEqual(runner.parse_seeds("1-3,7"), [1, 2, 3, 7])
        for bad in ("x", "5-2", "0-3"):
            with self.assertRaises(HarnessError):
                runner.parse_seeds(bad)
        self.assertEqual(runner.parse_shard("2/3"), (2, 3))
        with self.assertRaises(HarnessError):
            runner.parse_shard("4/3")

    def test_real_declarations_load(self):
        tests = testcfg.load_tests()
        self.assertEqual(len(tests), len({t.id for t in tests}))


class JunitTests(unittest.TestCase):
    def test_valid_xml(self):
        outs = []
        for ident, status in [("a/x", "PASS"), ("a/y", "FAIL"), ("b/z", "ERROR")]:
            o = runner.Outcome(runner.Item(ident))
            o.verdict = verdict.Verdict(status, "why <&>" if status != "PASS" else "")
            o.verdict.details = ["-old", "+new \x01"]
            o.console = b"console <x>"
            outs.append(o)
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "j.xml")
            runner.write_junit(p, outs, 1.5)
            root = ET.parse(p).getroot()
        self.assertEqual(root.get("tests"), "3")
        self.assertEqual(root.get("failures"), "1")
        self.assertEqual(root.get("errors"), "1")
        self.assertEqual(len(root.findall("testsuite")), 2)


class ToolErrorTests(unittest.TestCase):
    """Bad input gives one line and a non-zero status, never a traceback."""

    def run_tool(self, args, env=None):
        r = subprocess.run([PY] + args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, timeout=60, env=env)
        err = r.stderr.decode()
        self.assertNotIn("Traceback", err)
        return r.returncode, err

    def assert_one_line(self, args, needle, status=2):
        code, err = self.run_tool(args)
        self.assertEqual(code, status, err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertIn(needle, err)

    def test_pintos_bad_arguments(self):
        self.assert_one_line(["tools/pintos", "-m", "lots", "--", "run", "x"], "-m must be a number")
        self.assert_one_line(["tools/pintos", "--bogus", "--", "run", "x"], "unrecognized arguments")
        self.assert_one_line(["tools/pintos", "-m", "10"], "no kernel command line")
        self.assert_one_line(["tools/pintos", "-p", "/nonexistent/file", "--", "run", "x"], "cannot read")
        self.assert_one_line(["tools/pintos", "--ips", "500000", "--", "run", "x"],
                             "bochs runs at an ips of 1000000 or more")
        self.assert_one_line(["-m", "harness", "check", "--ips", "500000", "--no-unit",
                              "--tests", "threads/sleep-zero"], "bochs runs at an ips of 1000000 or more")
        with tempfile.NamedTemporaryFile() as f:
            self.assert_one_line(["tools/pintos", "-p", f.name + ":averyveryverylongname", "--", "run", "x"],
                                 "at most 14")
            f.truncate(3 * 1024 * 1024)
            self.assert_one_line(["tools/pintos", "--fs-disk=1", "-p", f.name + ":big", "--", "run", "x"],
                                 "too big")

    def test_pintos_missing_emulator(self):
        env = dict(os.environ, PATH="/nonexistent")
        r = subprocess.run([PY, "tools/pintos", "--", "run", "x"], cwd=ROOT, env=env, timeout=60,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 2)
        self.assertIn("apt-get install -y bochs", r.stderr.decode())
        r = subprocess.run([PY, "tools/pintos", "--qemu", "--", "run", "x"], cwd=ROOT, env=env, timeout=60,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        self.assertIn("apt-get install -y qemu-system-x86", r.stderr.decode())

    def test_runner_bad_arguments(self):
        self.assert_one_line(["-m", "harness", "check", "--tests", "threads/no-such-tst"], "no test matches")
        self.assert_one_line(["-m", "harness", "check", "--seeds", "x"], "SEEDS must look like")
        self.assert_one_line(["-m", "harness", "check", "--shard", "9/2"], "--shard takes K/N")
        self.assert_one_line(["-m", "harness", "check", "--fail-inject", "disk:every=0"], "bad FAIL_INJECT")
        self.assert_one_line(["-m", "harness.fuzz", "--seeds", "0-3"], "SEEDS start at 1")
        self.assert_one_line(["-m", "harness.fuzz", "--children", "zero"], "invalid int value")
        self.assert_one_line(["-m", "harness.interleave", "--seeds", "x"], "SEEDS must look like")

    def test_backtrace_bad_input(self):
        self.assert_one_line(["tools/backtrace", "zz"], "not a hexadecimal address")
        self.assert_one_line(["tools/backtrace", "-e", "/nonexistent.elf", "0x10"], "does not exist")

    def test_mkdisk_cmdline_roundtrip(self):
        from harness import bootdisk, disks
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "b.img")
            disks.make_blank(p, 0.1)
            self.assertEqual(disks.cylinders(p), 1)
            bootdisk.rewrite_cmdline(p, ["-q", "run", "args-many a b"])
            with open(p, "rb") as f:
                f.seek(512)
                sec = f.read(512)
        self.assertEqual(sec[:4], b"CMDL")
        self.assertEqual(sec[4], 3)
        self.assertTrue(sec[8:].startswith(b"-q\0run\0args-many a b\0"))


if __name__ == "__main__":
    unittest.main()


def selection_args(tests, command="check", **kw):
    """An argparse-like namespace for selection.select_items."""
    import argparse
    args = argparse.Namespace(command=command, tests=tests, seeds="", shard=None, no_unit=False,
                              tests_root=None)
    args.__dict__.update(kw)
    return args


class SelectionTests(unittest.TestCase):
    """Issue 12: a selection is every item it matches, of every kind."""

    def ids(self, pattern, **kw):
        from harness import selection
        return [it.id for it in selection.select_items(selection_args(pattern, **kw)).items]

    def test_suite_name_selects_the_whole_suite(self):
        declared = [t.id for t in testcfg.load_tests() if t.suite == "userprog"]
        for pattern in ("userprog", "userprog/*", "userprog/"):
            got = self.ids(pattern)
            self.assertTrue(set(declared) <= set(got), pattern)
            self.assertIn("userprog/shell", got, pattern)
            self.assertGreater(len(got), 50, pattern)

    def test_star_selects_everything(self):
        self.assertEqual(sorted(self.ids("*")), sorted(self.ids("")))
        self.assertIn("harness/selftest", self.ids("*"))
        self.assertIn("host/test_bitmap", self.ids("*"))

    def test_glob_matches_every_kind(self):
        got = self.ids("userprog/s*")
        for want in ("userprog/sc-bad-nr", "userprog/seek-tell", "userprog/shell"):
            self.assertIn(want, got)
        self.assertTrue(all(g.startswith("userprog/s") for g in got))

    def test_pattern_matching_nothing_is_an_error(self):
        with self.assertRaises(HarnessError) as cm:
            self.ids("userprog nosuchsuite/*")
        self.assertIn("no test matches 'nosuchsuite/*'", str(cm.exception))

    def test_bench_workloads_only_when_named(self):
        self.assertFalse([i for i in self.ids("*") if i.startswith("bench/")])
        self.assertTrue(self.ids("bench"))
        self.assertEqual(self.ids("bench"), self.ids("bench/*"))

    def test_grade_keeps_emulated_tests(self):
        got = self.ids("userprog", command="grade", no_unit=True)
        self.assertNotIn("userprog/shell", got)
        self.assertIn("userprog/args-none", got)

    def test_shard_keeps_the_whole_selection(self):
        from harness import selection
        sel = selection.select_items(selection_args("threads", shard="2/3"))
        self.assertEqual([i.id for i in sel.items], [i.id for i in sel.everything[1::3]])

    def test_make_check_selection_end_to_end(self):
        r = subprocess.run([PY, "-m", "harness", "list", "--tests", "userprog/s*"], cwd=ROOT,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"userprog/seek-tell\n", r.stdout)
        self.assertIn(b"userprog/shell\n", r.stdout)


class TmpDirTests(unittest.TestCase):
    """Issue 12: KESTREL_TMP naming a missing directory or a file: one line, exit 2."""

    def run_with(self, tmp, argv):
        env = dict(os.environ, KESTREL_TMP=tmp)
        r = subprocess.run([PY] + argv, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=60)
        err = r.stderr.decode()
        self.assertNotIn("Traceback", err)
        self.assertEqual(r.returncode, 2, err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertNotIn(b"ERROR", r.stdout)
        return err

    def test_missing_and_file(self):
        with tempfile.TemporaryDirectory() as d:
            missing = os.path.join(d, "nope")
            a_file = os.path.join(d, "file")
            open(a_file, "w").close()
            for argv in (["-m", "harness", "check", "--tests", "threads/sleep-zero"],
                         ["tools/pintos", "--batch", "--", "-q", "run", "sleep-zero"]):
                self.assertIn("does not exist", self.run_with(missing, argv))
                self.assertIn("is not a directory", self.run_with(a_file, argv))


class PolicyAndStatsTests(unittest.TestCase):
    """EVICT=/FORK= reach the kernel; new VM counters are recorded and leak-checked."""

    def test_kernel_options_and_rerun(self):
        from harness import running, selection
        cfg = running.RunConfig(evict="clock", fork="cow")
        t = make_test("", "args-none", "userprog")
        spec = running.spec_for_test(t, 0, cfg)
        self.assertEqual(spec.words, ["-q", "-evict=clock", "-fork=cow", "run", "args-none"])
        self.assertEqual(cfg.fault_mode(0), "off")
        self.assertEqual(running.RunConfig().fault_mode(0), "check")
        rerun = running.rerun_command(cfg, selection.Item(t.id, t))
        self.assertEqual(rerun, "make check TESTS=userprog/args-none EVICT=clock FORK=cow")
        self.assertIn("-- -q -evict=clock -fork=cow run args-none", t.pintos_command(options=cfg.kernel_options()))

    def test_bad_policy_name(self):
        r = subprocess.run([PY, "-m", "harness", "list", "--evict", "a b"], cwd=ROOT,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"policy name", r.stderr)
        self.assertNotIn(b"Traceback", r.stderr)

    def test_vm_keys_recorded(self):
        from harness import results, selection
        stats = STATS + " pf_major=2 pf_minor=1 swap_used=0 swap_peak=7 frames_pinned=0 fork_copied=3"
        v = verdict.judge(make_test(""), result(console(["x"], stats=stats)), ROOT, False)
        out = results.Outcome(selection.Item("unit/demo"))
        out.verdict = v
        rec = results.record(out, None)
        self.assertEqual(rec["vm"], {"pf_major": 2, "pf_minor": 1, "swap_used": 0, "swap_peak": 7,
                                     "frames_pinned": 0, "fork_copied": 3})

    def test_swap_and_pinned_leaks_fail(self):
        with tempfile.TemporaryDirectory() as exp:
            os.makedirs(os.path.join(exp, "unit"))
            with open(os.path.join(exp, "unit", "demo.out"), "w") as f:
                f.write("x\n")

            def judge(extra):
                return verdict.judge(make_test(""), result(console(["x"], stats=STATS + extra)), exp, False)
            self.assertEqual(judge("").status, "PASS")
            self.assertEqual(judge(" swap_used=0 frames_pinned=0").status, "PASS")
            v = judge(" swap_used=3 frames_pinned=0")
            self.assertEqual(v.status, "FAIL")
            self.assertIn("3 swap slots still in use", v.reason)
            v = judge(" swap_used=0 frames_pinned=1")
            self.assertIn("1 frames still pinned", v.reason)

    def test_fault_report_mode(self):
        with tempfile.TemporaryDirectory() as exp:
            os.makedirs(os.path.join(exp, "unit"))
            with open(os.path.join(exp, "unit", "demo.out"), "w") as f:
                f.write("x\n")
            with open(os.path.join(exp, "unit", "demo.faults"), "w") as f:
                f.write("total 9\n")
            data = result(console(["x"]))
            self.assertEqual(verdict.judge(make_test(""), data, exp, "check").status, "FAIL")
            v = verdict.judge(make_test(""), data, exp, "report")
            self.assertEqual(v.status, "PASS")
            self.assertIn("page faults changed: total 9 -> 5", v.notes)


class ExpectUnderQemuTests(unittest.TestCase):
    """Issue 12: EMU=qemu runs the expect (shell) test under QEMU, and its JSON says so."""

    def test_expect_gets_the_emulator(self):
        from harness import report, running, selection
        seen = []
        cfg = running.RunConfig(emulator="qemu")
        r = running.Runner(cfg, 1, report.Reporter(ROOT))

        def fake(item, argv, what, package):
            seen.append(argv)
            out = results_outcome(item)
            return out
        r.run_script = fake
        out = r.run_expect(selection.Item("userprog/shell", kind="expect", source="src/tests/userprog/shell.exp"))
        self.assertEqual(seen[0][:3], ["expect", "src/tests/userprog/shell.exp", "--qemu"])
        self.assertEqual(out.emulator, "qemu")
        host = running.Runner(running.RunConfig(emulator="qemu"), 1, None)
        self.assertIsNone(results_outcome(selection.Item("host/x", kind="host")).emulator)
        self.assertIsNotNone(host)


def results_outcome(item):
    from harness import results
    out = results.Outcome(item)
    out.verdict = verdict.Verdict("PASS")
    return out


GRADE_CFG = """[DEFAULT]
kind = kernel
[t1]
[t2]
[t3]
points = 2
[t4]
group = robustness
[t5]
group = robustness
"""
RUBRIC = """[weights]
unit/functionality = 60
unit/robustness = 40
[grading]
faults = report
"""


class GradeAndMergeTests(unittest.TestCase):
    """Issue 12: shard grades add up to the unsharded grade; `harness merge` rebuilds the
    unsharded summary, JUnit file and grade from shard directories."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        d = self.tmp.name
        self.root = os.path.join(d, "tests")
        os.makedirs(os.path.join(self.root, "unit"))
        with open(os.path.join(self.root, "unit", "tests.cfg"), "w") as f:
            f.write(GRADE_CFG)
        self.rubric = os.path.join(d, "rubric.cfg")
        with open(self.rubric, "w") as f:
            f.write(RUBRIC)
        self.tests = testcfg.load_tests(self.root)
        self.failing = {"unit/t2", "unit/t5"}

    def tearDown(self):
        self.tmp.cleanup()

    def outcomes(self, items):
        from harness import results
        outs = []
        for it in items:
            o = results.Outcome(it)
            status = "FAIL" if it.id in self.failing else "PASS"
            o.verdict = verdict.Verdict(status, "output differs" if status == "FAIL" else "")
            o.console = b"console of " + it.id.encode()
            o.emulator = "bochs"
            o.wall = 1.0
            outs.append(o)
        return outs

    def write_run(self, name, items, everything):
        from harness import grade, results
        d = os.path.join(self.tmp.name, name)
        outs = self.outcomes(items)
        records = [results.save(d, o, None) for o in outs]
        results.write_summary(d, outs, records, {"wall_seconds": 2.0, "emulator": "bochs", "ips": 100000000,
                                                  "repeat": 1, "evict": None, "fork": None})
        g = grade.score(outs, grade.load_rubric(self.rubric), everything)
        grade.write_grade(d, g)
        return d, g

    def test_rubric_fault_switch(self):
        from harness import grade
        self.assertEqual(grade.load_rubric(self.rubric).faults, "report")

    def test_shards_add_up_and_merge_equals_unsharded(self):
        from harness import selection
        items = [selection.Item(t.id, t) for t in self.tests]
        whole, g_whole = self.write_run("whole", items, items)
        shards = [self.write_run("shard%d" % k, items[k - 1::2], items) for k in (1, 2)]
        self.assertAlmostEqual(sum(g["total"] for _, g in shards), g_whole["total"], places=2)
        self.assertAlmostEqual(g_whole["total"], 60 * 3 / 4 + 40 * 1 / 2)
        out = os.path.join(self.tmp.name, "merged")
        r = subprocess.run([PY, "-m", "harness", "merge", shards[0][0], shards[1][0], "--results", out,
                            "--tests-root", self.root, "--rubric", self.rubric], cwd=ROOT,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        text = r.stdout.decode()
        self.assertEqual(r.returncode, 0, r.stderr.decode() + text)
        self.assertEqual(text.strip().splitlines()[-1], "3 passed, 2 failed")
        self.assertIn("unit/t2: output differs", text)

        def load(d, name):
            with open(os.path.join(d, name)) as f:
                return json.load(f)
        self.assertEqual(load(out, "grade.json"), load(whole, "grade.json"))
        a, b = load(out, "summary.json"), load(whole, "summary.json")
        for key in ("passed", "failed", "skipped", "total", "emulators_used"):
            self.assertEqual(a[key], b[key], key)
        self.assertEqual([(e["test"], e["verdict"]) for e in a["results"]],
                         [(e["test"], e["verdict"]) for e in b["results"]])
        ja, jb = ET.parse(os.path.join(out, "junit.xml")).getroot(), ET.parse(os.path.join(whole, "junit.xml")).getroot()
        self.assertEqual([(c.get("name"), len(c)) for c in ja.iter("testcase")],
                         [(c.get("name"), len(c)) for c in jb.iter("testcase")])
        self.assertEqual(ja.get("failures"), "2")

    def test_merge_refuses_overlap_and_non_results(self):
        from harness import selection
        items = [selection.Item(t.id, t) for t in self.tests]
        d1, _ = self.write_run("a", items[:3], items)
        d2, _ = self.write_run("b", items[2:], items)
        for dirs, needle in (([d1, d2], "in both"), ([self.root], "no summary.json")):
            r = subprocess.run([PY, "-m", "harness", "merge"] + dirs + ["--results", os.path.join(self.tmp.name, "m"),
                                                                     "--tests-root", self.root], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
            self.assertEqual(r.returncode, 2)
            self.assertIn(needle, r.stderr.decode())
            self.assertNotIn("Traceback", r.stderr.decode())


class RepeatTests(unittest.TestCase):
    """REPEAT compares whole consoles under Bochs, and under QEMU only what QEMU keeps."""

    def test_repeat_difference(self):
        from harness.running import repeat_difference
        t = make_test("")
        one = result(console(["x"]))
        timing = result(console(["x"], stats=STATS.replace("tsc=1000", "tsc=1234")))
        other = result(console(["y"]))
        self.assertIsNone(repeat_difference(t, one, one, 2, "bochs"))
        reason, diff = repeat_difference(t, one, timing, 2, "bochs")
        self.assertIn("the console of run 2 differs", reason)
        self.assertIsNone(repeat_difference(t, one, timing, 2, "qemu"))
        reason, diff = repeat_difference(t, one, other, 3, "qemu")
        self.assertIn("output between the markers", reason)
        self.assertIn("+y", diff)


class RejectedOptionTests(unittest.TestCase):
    def test_unknown_kernel_option_is_named(self):
        data = b"Unknown option: -evict=clock (options: -q)\n" + console(["x"]).replace(b"Boot complete.\n", b"")
        v = verdict.judge(make_test(""), result(data), ROOT, False)
        self.assertEqual(v.status, "FAIL")
        self.assertIn("the kernel rejected its command line: Unknown option: -evict=clock", v.reason)
