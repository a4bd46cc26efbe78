"""Regression tests of issue 17 (harness items 4, 5, 6, 8, 9, 10, 12 and the missing
features): each fails on the tree before the fix. Offline tests use synthetic results
directories; the few that boot the kernel are skipped without build/boot.img and bochs."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.dom.minidom

from harness import formats, grade, options, results, selection, testcfg, verdict
from harness.common import BUILD, EXPECTED, ROOT, rel

PY = sys.executable
HAVE_KERNEL = os.path.exists(os.path.join(BUILD, "boot.img")) and shutil.which("bochs")

CFG = """[DEFAULT]
kind = kernel
[t1]
[t2]
[t3]
points = 2
[t4]
group = robustness
"""
RUBRIC = """[weights]
unit/functionality = 60
unit/robustness = 40
[visibility]
unit/t4 = hidden
"""


def run(argv, env=None, timeout=300):
    r = subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, timeout=timeout)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def make_env(**kw):
    """The environment of a make command line with these variables set (MAKEFLAGS cleared
    of the outer make's variables)."""
    env = {k: v for k, v in os.environ.items() if k not in options.BY_MAKE and k not in ("MAKEFLAGS", "MAKELEVEL")}
    env.update(kw)
    return env


class Synthetic(unittest.TestCase):
    """A suite `unit` of four kernel tests, a rubric, and results written as a run would."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kestrel-ux-")
        self.root = os.path.join(self.tmp, "tests")
        os.makedirs(os.path.join(self.root, "unit"))
        with open(os.path.join(self.root, "unit", "tests.cfg"), "w") as f:
            f.write(CFG)
        self.rubric = os.path.join(self.tmp, "rubric.cfg")
        with open(self.rubric, "w") as f:
            f.write(RUBRIC)
        self.exp = os.path.join(self.tmp, "expected")
        os.makedirs(os.path.join(self.exp, "unit"))
        self.tests = testcfg.load_tests(self.root)
        self.items = [selection.Item(t.id, t) for t in self.tests]

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write_run(self, name, items, shard=None, failing=("unit/t2",), **info):
        d = os.path.join(self.tmp, name)
        outs = []
        for it in items:
            o = results.Outcome(it)
            bad = it.id in failing
            o.verdict = verdict.Verdict("FAIL" if bad else "PASS", "output differs" if bad else "")
            o.console = b"console of " + it.id.encode() + b"\n"
            o.emulator = "bochs"
            outs.append(o)
        records = [results.save(d, o, None) for o in outs]
        base = {"wall_seconds": 1.0, "emulator": "bochs", "ips": 100000000, "repeat": 1, "evict": None,
                "fork": None, "shard": shard, "fail_inject": None, "faults": "check",
                "expected": rel(os.path.abspath(self.exp)), "seeds": None, "tests": None,
                "selected": len(self.items), "command": "check"}
        base.update(info)
        results.write_summary(d, outs, records, base)
        return d

    def harness(self, *argv):
        return run([PY, "-m", "harness"] + list(argv) + ["--tests-root", self.root, "--rubric", self.rubric])


class MergeTests(Synthetic):
    """Item 4: merge refuses a missing or repeated shard and never overwrites quietly."""

    def shards(self):
        return [self.write_run("s%d" % k, self.items[k - 1::2], "%d/2" % k) for k in (1, 2)]

    def test_missing_shard_is_refused(self):
        s1, _ = self.shards()
        code, out, err = self.harness("merge", s1, "--results", os.path.join(self.tmp, "m"))
        self.assertEqual(code, 2, out + err)
        self.assertIn("shard 2/2 is missing", err)
        self.assertNotIn("passed", out)
        self.assertNotIn("Traceback", err)

    def test_repeated_shard_is_refused(self):
        s1, s2 = self.shards()
        again = self.write_run("s1-again", self.items[0::2], "1/2")
        code, out, err = self.harness("merge", s1, again, s2, "--results", os.path.join(self.tmp, "m"))
        self.assertEqual(code, 2, out + err)
        self.assertIn("shard 1/2 is given 2 times", err)

    def test_complete_set_merges_and_output_is_not_overwritten(self):
        s1, s2 = self.shards()
        code, out, err = self.harness("merge", s1, s2)
        self.assertEqual(code, 2)
        self.assertIn("merge needs --results DIR", err)
        m = os.path.join(self.tmp, "m")
        code, out, err = self.harness("merge", s1, s2, "--results", m)
        self.assertEqual(code, 1, out + err)
        self.assertEqual(out.strip().splitlines()[-1], "3 passed, 1 failed")
        code, out, err = self.harness("merge", s1, s2, "--results", m)
        self.assertEqual(code, 2)
        self.assertIn("already holds results", err)
        code, out, err = self.harness("merge", s1, s2, "--results", m, "--force")
        self.assertEqual(code, 1, out + err)

    def test_shards_of_different_selections_are_refused(self):
        s1 = self.write_run("s1", self.items[0::2], "1/2", tests="unit/t1 unit/t3")
        s2 = self.write_run("s2", self.items[1::2], "2/2")
        code, out, err = self.harness("merge", s1, s2, "--results", os.path.join(self.tmp, "m"))
        self.assertEqual(code, 2)
        self.assertIn("different tests", err)


class GradeTests(Synthetic):
    """Item 5: make grade grades what make check wrote, a subset is not out of 100, the
    shipped rubric does not warn about its own groups."""

    def test_grades_existing_results_without_running(self):
        d = self.write_run("r", self.items)
        code, out, err = self.harness("grade", "--results", d, "--expected", self.exp)
        self.assertEqual(code, 0, out + err)
        self.assertIn("Grading the results already in", out)
        self.assertNotIn("Running", out)
        self.assertIn("TOTAL 85.00 / 100", out)      # 60 x 3/4 points (t2 fails) + 40

    def test_other_settings_are_rerun_and_say_why(self):
        d = self.write_run("r", self.items, evict="clock")
        outs, why = grade.recorded_outcomes(self.args(d), selection.Selection(self.items, self.items))
        self.assertIsNone(outs)
        self.assertIn("evict=clock", why)
        outs, why = grade.recorded_outcomes(self.args(d, evict="clock"), selection.Selection(self.items, self.items))
        self.assertEqual(len(outs), 4, why)

    def args(self, d, **kw):
        import argparse
        a = argparse.Namespace(results=d, expected=self.exp, ips=None, qemu=False, evict=None, fork=None,
                               repeat=1, faults="check", command="grade", fail_inject="", seeds="",
                               tests="", shard=None)
        a.__dict__.update(kw)
        return a

    def test_subset_is_scored_on_its_own(self):
        r = grade.load_rubric(self.rubric)
        outs = [o for o in self.outcomes(self.items[:1])]
        g = grade.score(outs, r, self.items[:1], len(self.items))
        self.assertEqual((g["total"], g["max"]), (60.0, 60.0))
        self.assertEqual(g["subset"], {"selected": 1, "all": 4})
        whole = grade.score(self.outcomes(self.items), r, self.items, len(self.items))
        self.assertEqual(whole["max"], 100.0)
        self.assertNotIn("subset", whole)

    def outcomes(self, items):
        outs = []
        for it in items:
            o = results.Outcome(it)
            o.verdict = verdict.Verdict("PASS")
            outs.append(o)
        return outs

    def test_shipped_rubric_weighs_every_group(self):
        tests = [t for t in testcfg.load_tests() if not t.bench]
        items = [selection.Item(t.id, t) for t in tests]
        g = grade.score([], grade.load_rubric(os.path.join(EXPECTED, "rubric.cfg")), items, len(items))
        self.assertEqual(g["unweighted"], [])


class ResultsDirTests(unittest.TestCase):
    """Item 6: an unwritable results folder is one line and exit 2 before anything runs."""

    def test_unwritable_results(self):
        with tempfile.NamedTemporaryFile() as f:
            code, out, err = run([PY, "-m", "harness", "check", "--tests", "threads/sleep-zero",
                                  "--results", os.path.join(f.name, "r")])
        self.assertEqual(code, 2, out + err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertIn("is not writable", err)
        self.assertNotIn("Running", out)


class MakeVariableTests(unittest.TestCase):
    """Item 8: a bad value of any documented make variable is one line naming the valid
    ones, before anything runs; the variables are one table (harness/options.py)."""

    def make(self, target, **kw):
        return run(["make", "-s", "--no-print-directory", target] + ["%s=%s" % kv for kv in kw.items()],
                   env=make_env())

    def test_bad_choices(self):
        for var, bad, valid in (("EMU", "qmeu", "bochs qemu"), ("EVICT", "lru", "hotcold"),
                                ("FORK", "cwo", "cow"), ("FAULTS", "reprot", "report"),
                                ("SUMMARY", "junit", "pintos tap")):
            code, out, err = self.make("check", TESTS="threads/sleep-zero", **{var: bad})
            self.assertNotEqual(code, 0, var)
            self.assertNotIn("Running", out, var)
            first = err.strip().splitlines()[0]
            self.assertIn("%s=%s is not a valid value" % (var, bad), first)
            self.assertIn(valid, first)
            self.assertNotIn("Traceback", err)

    def test_bad_numbers_and_specs(self):
        for var, bad in (("IPS", "fast"), ("REPEAT", "0"), ("JOBS", "x"), ("FAIL_INJECT", "all"),
                         ("SEEDS", "a-b"), ("SHARD", "3/2")):
            code, out, err = self.make("check", TESTS="threads/sleep-zero", **{var: bad})
            self.assertEqual(code and 2, 2, var)
            self.assertNotIn("Running", out, var)
            self.assertNotIn("Traceback", err, var)
            self.assertIn(var if var not in ("SEEDS", "SHARD") else ("SEEDS" if var == "SEEDS" else "shard"),
                          err.splitlines()[0], var)

    def test_misspelt_variable_name(self):
        code, out, err = self.make("check", TEST="threads/sleep-zero")
        self.assertNotEqual(code, 0)
        self.assertIn("did you mean TESTS?", err)
        self.assertNotIn("Running", out)

    def test_other_targets_check_too(self):
        for target in ("fuzz", "bench", "interleavings"):
            code, out, err = self.make(target, EMU="qmeu")
            self.assertNotEqual(code, 0, target)
            self.assertIn("EMU=qmeu is not a valid value", err, target)

    def test_one_table(self):
        with open(os.path.join(ROOT, "harness", "harness.mk")) as f:
            mk = f.read()
        # grade-pintos passes paths (KERNEL, TREE, CLASS), not run options: harness pintos
        # checks them itself.
        harness_lines = [l for l in mk.splitlines() if "$(HARNESS)" in l and " pintos " not in l]
        self.assertGreaterEqual(len(harness_lines), 6)
        for line in harness_lines:
            self.assertEqual(re.findall(r"\$\((\w+)\)", line), ["HARNESS", "HARNESS_ARGS"], line)
        self.assertEqual(options.evict_choices()[:3], ["hotcold", "clock", "fifo"])
        self.assertIn("cow", options.fork_choices())
        from harness import running
        cfg = running.RunConfig(evict="clock", fork="cow", emulator="qemu", ips=1000000)
        self.assertEqual(cfg.kernel_options(), ["-evict=clock", "-fork=cow"])
        self.assertEqual(cfg.make_args(3), ["SEEDS=3", "IPS=1000000", "EMU=qemu", "EVICT=clock", "FORK=cow"])
        t = testcfg.load_tests()[0]
        self.assertIn("tools/pintos --qemu", t.pintos_command(0, 1000000, "qemu"))
        self.assertIn("--ips 1000000", t.pintos_command(0, 1000000, "qemu"))

    def test_help_lists_every_target_and_variable(self):
        code, out, err = self.make("help")
        self.assertEqual(code, 0, err)
        with open(os.path.join(ROOT, "harness", "harness.mk")) as f:
            targets = re.findall(r"(?m)^([a-z][a-z-]*):", f.read())
        for t in targets + ["clean"]:
            self.assertRegex(out, r"(?m)^  %s\b" % re.escape(t))
        for o in options.OPTIONS:
            self.assertRegex(out, r"(?m)^  %s\s" % o.make)
        self.assertIn("hotcold|clock|fifo", out)

    def test_list_runs_nothing(self):
        code, out, err = self.make("list", TESTS="threads/sleep-*")
        self.assertEqual(code, 0, err)
        self.assertEqual(out.split(), ["threads/sleep-duration", "threads/sleep-negative",
                                       "threads/sleep-order", "threads/sleep-zero"])


class FormatTests(unittest.TestCase):
    """TAP, Pintos result files and summary, the plain-text grade, Gradescope."""

    RECORDS = [{"test": "userprog/args-none", "seed": 0, "kind": "emu", "verdict": "PASS", "reason": "",
                "details": [], "console": "hello\n"},
               {"test": "userprog/args-many", "seed": 0, "kind": "emu", "verdict": "FAIL",
                "reason": "output differs from expected/userprog/args-many.out", "details": ["-a", "+b"],
                "rerun": "make check TESTS=userprog/args-many", "console": "x\n"},
               {"test": "host/test_bitmap", "seed": 0, "kind": "host", "verdict": "PASS", "reason": "",
                "details": []}]

    def test_tap(self):
        text = formats.tap(self.RECORDS)
        lines = text.splitlines()
        self.assertEqual(lines[:3], ["TAP version 13", "1..3", "ok 1 - userprog/args-none"])
        self.assertIn("not ok 2 - userprog/args-many", lines)
        self.assertIn("  verdict: FAIL", lines)
        self.assertIn("ok 3 - host/test_bitmap", lines)

    def test_pintos(self):
        self.assertEqual(formats.pintos_result(self.RECORDS[0]), "PASS\n")
        self.assertTrue(formats.pintos_result(self.RECORDS[1]).startswith("FAIL\nFAIL: output differs"))
        summary = formats.pintos_summary(self.RECORDS)
        self.assertIn("pass tests/userprog/args-none\n", summary)
        self.assertIn("FAIL tests/userprog/args-many\n", summary)
        self.assertTrue(summary.endswith("1 of 3 tests failed.\n"))
        with tempfile.TemporaryDirectory() as d:
            paths = formats.write_pintos_files(self.RECORDS, d)
            self.assertEqual(len(paths), 2)
            with open(os.path.join(d, "tests", "userprog", "args-none.output")) as f:
                self.assertEqual(f.read(), "hello\n")

    def test_grade_text_and_gradescope(self):
        g = {"groups": {"userprog/functionality": {"tests": 2, "ran": 2, "passed": 1, "points": 2.0,
                                                   "earned": 1.0, "weight": 100.0, "score": 50.0}},
             "total": 50.0, "max": 100.0,
             "tests": {"userprog/args-none": {"group": "userprog/functionality", "max_score": 50.0, "score": 50.0},
                       "userprog/args-many": {"group": "userprog/functionality", "max_score": 50.0, "score": 0.0}}}
        text = formats.grade_text(g, self.RECORDS)
        self.assertTrue(text.startswith("TOTAL TESTING SCORE: 50.0%"))
        self.assertIn("FAIL userprog/args-many: output differs", text)
        gs = formats.gradescope(g, self.RECORDS, {"userprog/args-many": "after_published"})
        self.assertEqual(gs["score"], 50.0)
        self.assertEqual([(t["name"], t["score"], t["max_score"], t["status"], t["visibility"]) for t in gs["tests"]],
                         [("userprog/args-none", 50.0, 50.0, "passed", "visible"),
                          ("userprog/args-many", 0.0, 50.0, "failed", "after_published")])
        json.dumps(gs)


class GradeFilesTests(Synthetic):
    def test_grade_writes_text_and_gradescope_with_visibility(self):
        d = self.write_run("r", self.items)
        code, out, err = self.harness("grade", "--results", d, "--expected", self.exp)
        self.assertEqual(code, 0, out + err)
        with open(os.path.join(d, "gradescope.json")) as f:
            gs = json.load(f)
        self.assertAlmostEqual(sum(t["score"] for t in gs["tests"]), gs["score"], places=2)
        vis = {t["name"]: t["visibility"] for t in gs["tests"]}
        self.assertEqual(vis["unit/t4"], "hidden")
        self.assertEqual(vis["unit/t1"], "after_published")     # held back: not in expected/
        with open(os.path.join(d, "grade.txt")) as f:
            self.assertIn("TOTAL TESTING SCORE: 85.0%", f.read())
        self.assertTrue(os.path.exists(os.path.join(d, "results.tap")))
        with open(os.path.join(d, "tests", "unit", "t2.result")) as f:
            self.assertTrue(f.read().startswith("FAIL\n"))


class PlotTests(unittest.TestCase):
    """Item 10: every series its own colour; titles, ticks, units, OPT, the `*` note."""

    def test_plot_is_readable(self):
        series = ["sim fifo", "sim clock", "sim lru"] + ["kernel %s" % p for p in
                                                           ("fifo", "clock", "random", "2q", "hotcold", "lirs", "default")]
        from harness.vmbench import plot
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "b.svg")
            plot.write(path, [("press-seq", {s: 1.5 for s in series}), ("press-two *", {s: 0.8 for s in series})],
                       series, [("fork-exit", {"eager": 10 ** 6, "cow": 2000})], ["eager", "cow"],
                       ["* press-two: several processes"])
            doc = xml.dom.minidom.parse(path)
        texts = [t.firstChild.data for t in doc.getElementsByTagName("text") if t.firstChild]
        bars = [r for r in doc.getElementsByTagName("rect") if r.getAttribute("height") == str(plot.BAR - 1)]
        press = bars[:2 * len(series)]
        colours = [r.getAttribute("stroke") for r in press[:len(series)]]
        self.assertEqual(len(set(colours)), len(series), "two series share a colour")
        self.assertIn("Memory pressure: page faults relative to OPT", texts)
        self.assertIn("Fork: cost of one fork, by fork strategy", texts)
        self.assertIn("OPT = 1", texts)
        self.assertTrue(any("log scale" in t for t in texts))
        self.assertTrue(any("faults / OPT's faults" in t for t in texts))
        for tick in ("0", "0.4", "1", "1.6", "1k", "10k", "1M"):
            self.assertIn(tick, texts)
        self.assertIn("* press-two: several processes", texts)


class DocsTests(unittest.TestCase):
    """Item 12: documents that agree with the harness."""

    def read(self, path):
        with open(os.path.join(ROOT, path)) as f:
            return f.read()

    def test_docs_name_what_exists(self):
        contributing = self.read("CONTRIBUTING.md")
        self.assertIn("14 bytes", contributing)
        harness_md = self.read("docs/harness.md")
        self.assertIn("python3 -m harness list", harness_md)
        readme = self.read("README.md")
        for name in ("junit.xml", "summary.json", "results.tap", "make help", "make list",
                     "gradescope.json", "build/grade"):
            self.assertIn(name, readme, name)
        self.assertIn("slurm-example.sh", harness_md)

    def test_missing_expected_names_accept(self):
        t = [t for t in testcfg.load_tests() if t.id == "threads/sleep-zero"][0]
        from harness.machine import RunResult
        r = RunResult()
        r.status = "poweroff"
        r.console = ("Kestrel booting with 20092 kB RAM...\nBoot complete.\nExecuting '%s':\nExecution of '%s' complete.\n"
                     "Timer: 1 ticks\nSTATS ticks=1 kpool_used=1 kpool_boot=1 upool_used=0\nPowering off...\n"
                     % (t.cmdline, t.cmdline)).encode()
        with tempfile.TemporaryDirectory() as d:
            v = verdict.judge(t, r, d, "off")
        self.assertIn("make accept TESTS=%s OUTPUT=1" % t.id, v.reason)


@unittest.skipUnless(HAVE_KERNEL, "needs build/boot.img and bochs (run make)")
class BootingTests(unittest.TestCase):
    """Pintos's one-test target, SUMMARY=pintos, bench's stated baseline, the CI and Slurm
    examples run as written."""

    def test_result_target_runs_one_test(self):
        path = os.path.join(BUILD, "tests", "threads", "sleep-zero.result")
        if os.path.exists(path):
            os.unlink(path)
        code, out, err = run(["make", "-s", "--no-print-directory", "build/tests/threads/sleep-zero.result"],
                             env=make_env())
        self.assertEqual(code, 0, out + err)
        self.assertIn("Running 1 test on ", out)
        with open(path) as f:
            self.assertEqual(f.read(), "PASS\n")
        with open(path[:-len(".result")] + ".output") as f:
            self.assertIn("Powering off...", f.read())

    def test_summary_pintos(self):
        with tempfile.TemporaryDirectory() as d:
            code, out, err = run(["make", "-s", "--no-print-directory", "check", "TESTS=threads/sleep-zero",
                                  "SUMMARY=pintos", "RESULTS=" + d], env=make_env())
        self.assertEqual(code, 0, out + err)
        self.assertIn("pass tests/threads/sleep-zero\nAll 1 tests passed.\n", out)
        self.assertEqual(out.strip().splitlines()[-1], "1 passed, 0 failed")

    def test_bench_says_what_it_compares_with(self):
        with tempfile.TemporaryDirectory() as d:
            code, out, err = run([PY, "-m", "harness", "bench", "--tests", "threads/sleep-zero", "--results", d])
        self.assertEqual(code, 0, out + err)
        self.assertIn("Compared with: the ticks and cycles `make accept` recorded in expected/SUITE/NAME.faults", out)

    def test_ci_matrix_then_merge_as_written(self):
        """docs/ci-example.yml's shard and merge commands, with TESTS narrowing the suite;
        a lost shard makes the merge fail."""
        with open(os.path.join(ROOT, "docs", "ci-example.yml")) as f:
            yml = f.read()
        shard_cmd = re.search(r"run: (make check SHARD=.*)", yml).group(1)
        merge_cmd = re.search(r"run: (python3 -m harness merge .*)", yml).group(1)
        n = int(re.search(r"shard: \[([\d, ]+)\]", yml).group(1).split(",")[-1])
        with tempfile.TemporaryDirectory() as d:
            work = os.path.join(d, "build")
            env = make_env(TESTS="threads/sleep-*")
            for k in range(1, n + 1):
                cmd = shard_cmd.replace("${{ matrix.shard }}", str(k)).replace("build/", work + "/")
                code, out, err = run(["sh", "-c", cmd], env=env)
                self.assertIn(code, (0, 1), out + err)
                os.makedirs(os.path.join(d, "shards"), exist_ok=True)
                os.rename(os.path.join(work, "results-%d" % k), os.path.join(d, "shards", "results-%d" % k))
            merge = merge_cmd.replace("shards", os.path.join(d, "shards")).replace("build/", work + "/")
            code, out, err = run(["sh", "-c", merge], env=env)
            self.assertEqual(code, 0, out + err)
            self.assertEqual(out.strip().splitlines()[-1], "4 passed, 0 failed")
            shutil.rmtree(os.path.join(d, "shards", "results-3"))
            code, out, err = run(["sh", "-c", merge.replace(" --results", " --force --results")], env=env)
            self.assertEqual(code, 2, out + err)
            self.assertIn("shard 3/4 is missing", err)

    def test_slurm_job_array_then_merge(self):
        """docs/slurm-example.sh's shard and merge jobs under the variables Slurm sets."""
        with tempfile.TemporaryDirectory() as d:
            base = os.path.join(d, "r")
            for k in (1, 2):
                env = make_env(TESTS="threads/sleep-*", RESULTS_BASE=base, SLURM_ARRAY_TASK_ID=str(k),
                               SLURM_ARRAY_TASK_COUNT="2")
                code, out, err = run(["sh", "docs/slurm-example.sh", "shard"], env=env)
                self.assertEqual(code, 0, out + err)
            code, out, err = run(["sh", "docs/slurm-example.sh", "merge"], env=make_env(RESULTS_BASE=base))
            self.assertEqual(code, 0, out + err)
            self.assertEqual(out.strip().splitlines()[-1], "4 passed, 0 failed")
            shutil.rmtree(base + "-merged")
            shutil.rmtree(base + "-2")
            code, out, err = run(["sh", "docs/slurm-example.sh", "merge"], env=make_env(RESULTS_BASE=base))
            self.assertEqual(code, 2, out + err)
            self.assertIn("shard 2/2 is missing", err)


if __name__ == "__main__":
    unittest.main()
