"""make check's slice of Pintos-KAIST grading (item harness/pintos-kaist).

Builds the fixtures (harness/pk/fixture.py: the published skeleton plus Kestrel's patch,
and kernels broken from it) and grades them with `python3 -m harness pintos` against the
pristine tree. Not a test_*.py module, so `make harness-test` leaves it out: it builds two
Pintos-KAIST trees (a few minutes the first time) and boots a dozen Bochs machines.
It fails loudly when ../shared/pintos-kaist is missing.
"""
import json
import os
import subprocess
import sys
import unittest

from harness.common import ROOT
from harness.pk import fixture

TESTS = "args-none args-many halt exit"


def grade(kernel, results, tests=TESTS, tree=True, extra=()):
    """Runs the grader; (exit status, stdout, summary dict)."""
    cmd = [sys.executable, "-m", "harness", "pintos", "--kernel", kernel, "--results", results,
           "--tests", tests, "-j", "2"] + list(extra)
    if tree:
        cmd += ["--tree", fixture.source()]
    p = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=1800)
    out = p.stdout.decode("utf-8", "replace")
    try:
        with open(os.path.join(results, "summary.json")) as f:
            summary = json.load(f)
    except OSError:
        summary = None
    return p.returncode, out, summary


def record(results, name):
    with open(os.path.join(results, name + ".json")) as f:
        return json.load(f)


class PintosKaistFixture(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dest = fixture.build()
        cls.out = os.path.join(ROOT, "build", "pintos-kaist", "check")

    def kernel(self, name):
        return os.path.join(self.dest, "kernels", name, "userprog", "build")

    def test_fixture_passes_and_repeats(self):
        good = os.path.join(self.dest, "tree", "userprog", "build")
        res = os.path.join(self.out, "good")
        status, out, s = grade(good, res)
        self.assertEqual(status, 0, out)
        self.assertEqual((s["passed"], s["failed"]), (4, 0), out)
        self.assertGreater(s["score_percent"], 0)
        for f in ("results", "grade", "junit.xml", "tests/userprog/exit.output", "tests/userprog/exit.result"):
            self.assertTrue(os.path.exists(os.path.join(res, f)), f)
        with open(os.path.join(res, "tests/userprog/exit.result")) as f:
            self.assertEqual(f.readline().strip(), "PASS")
        faults = record(res, "tests/userprog/args-none")["faults"]
        self.assertEqual(set(faults), {"user", "kernel"})
        # Same kernel, same test: the same bytes.
        res2 = os.path.join(self.out, "good2")
        status, out, _ = grade(good, res2, tests="args-many")
        self.assertEqual(status, 0, out)
        with open(os.path.join(res, "tests/userprog/args-many.output"), "rb") as a, \
                open(os.path.join(res2, "tests/userprog/args-many.output"), "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_broken_output_fails(self):
        res = os.path.join(self.out, "exit")
        status, out, s = grade(self.kernel("exit"), res, tests="exit halt")
        self.assertEqual(status, 1, out)
        self.assertEqual(s["failed_tests"], ["tests/userprog/exit"], out)
        self.assertIn("rerun: cd ", out)
        self.assertIn("--tests tests/userprog/exit", out)

    def test_panic_nopoweroff_garbage(self):
        # A panic under -q powers off (the power-off loop ends the run); the checker says why.
        for name, run in (("panic", "poweroff"), ("nopoweroff", "timeout"), ("garbage", "timeout")):
            res = os.path.join(self.out, name)
            status, out, s = grade(self.kernel(name), res, tests="args-none", extra=["--timeout", "2"])
            self.assertEqual(status, 1, out)
            self.assertEqual(s["failed"], 1, out)
            rec = record(res, "tests/userprog/args-none")
            self.assertEqual(rec["run"], run, name)
            if name == "panic":
                self.assertIn("Kernel panic in run: PANIC", "\n".join(rec["result"]))
            if run == "timeout":
                with open(os.path.join(res, "tests/userprog/args-none.output"), "rb") as f:
                    self.assertTrue(f.read().endswith(b"TIMEOUT"), name)

    def test_edited_checker_still_fails(self):
        sub = os.path.join(self.dest, "ckedit", "userprog", "build")
        status, out, s = grade(sub, os.path.join(self.out, "ckedit"), tests="exit")
        self.assertEqual((status, s["failed"]), (1, 1), out)
        # Without --tree the submission's own (edited) checker is used, and passes it.
        status, out, s = grade(sub, os.path.join(self.out, "ckedit-untrusted"), tests="exit", tree=False)
        self.assertEqual((status, s["failed"]), (0, 0), out)


    def test_view_page_counts_what_bochs_saw(self):
        """--view: a page per test from a run that records each page fault at the kernel's
        entry (harness/pk/pkview.py); its fault count equals the count Bochs reported, in
        the page's JSON and as the page's own script computes it in headless Chromium."""
        from harness import view
        from harness.tests.test_vmview import CHROMIUM, chromium_selfcheck
        good = os.path.join(self.dest, "tree", "userprog", "build")
        res = os.path.join(self.out, "view")
        status, out, s = grade(good, res, tests="bad-read args-none", extra=["--view"])
        self.assertIsNotNone(s, out)
        for name, want in (("bad-read", 1), ("args-none", 0)):
            rec = record(res, "tests/userprog/" + name)
            path, on_page, seen = rec["view"]
            self.assertEqual((on_page, seen), (want, want), name)
            self.assertEqual(sum(rec["faults"].values()), want, name)
            with open(path) as f:
                data = view.embedded_data(f.read())
            self.assertEqual(view.mismatches(data), [], name)
            if want:
                fault = [e for e in data["events"] if e["type"] == "fault"][0]
                self.assertEqual((fault["va"], fault["user"], fault["write"]), (0, True, False))
            if CHROMIUM:
                text, counts = chromium_selfcheck(self, path, res)
                self.assertTrue(text.startswith("MATCH"), text)
                self.assertEqual(counts["pf_total"], seen, name)


if __name__ == "__main__":
    unittest.main()
