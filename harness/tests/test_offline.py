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
        from harness import disks
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "b.img")
            disks.make_blank(p, 0.1)
            self.assertEqual(disks.cylinders(p), 1)
            disks.mkdisk().rewrite_cmdline(p, ["-q", "run", "args-many a b"])
            with open(p, "rb") as f:
                f.seek(512)
                sec = f.read(512)
        self.assertEqual(sec[:4], b"CMDL")
        self.assertEqual(sec[4], 3)
        self.assertTrue(sec[8:].startswith(b"-q\0run\0args-many a b\0"))


if __name__ == "__main__":
    unittest.main()
