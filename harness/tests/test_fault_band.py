"""faults_band: schedule-bound fault kinds may move within a declared band, and the check
still fails on a broken VM (make harness-test and make check's harness/selftest; offline).

A test whose fault counts follow the interleaving of its processes declares, in its
tests.cfg section, `faults_band = KIND:FACTOR ...`; every other kind, and every kind of
every other test, stays exact (docs/harness.md, Page-fault baselines)."""
import os
import tempfile
import unittest

from harness import accept, testcfg, verdict
from harness.common import HarnessError
from harness.tests.test_offline import console, make_test, result

# The fault counts of test_offline's STATS line: total 5, file 2, zero-fill 3.
RUN_FAULTS = {"total": 5, "file": 2, "zero-fill": 3, "stack": 0, "swap-in": 0,
              "write-protect": 0, "invalid": 0}


class BandDeclarationTests(unittest.TestCase):
    def test_parsed(self):
        self.assertEqual(make_test("faults_band = total:1.5 swap-in:1.9").faults_band,
                         {"total": 1.5, "swap-in": 1.9})
        self.assertEqual(make_test("").faults_band, {})

    def test_a_band_that_could_not_catch_a_count_2x_off_is_refused(self):
        for bad in ("total:2", "total:3.5", "total:1", "total:0.5"):
            with self.assertRaises(HarnessError) as e:
                make_test("faults_band = " + bad)
            self.assertIn("2x off", str(e.exception))

    def test_bad_words_are_refused(self):
        for bad in ("zero:1.5", "total", "total:x", "major:1.2"):
            with self.assertRaises(HarnessError) as e:
                make_test("faults_band = " + bad)
            self.assertIn("KIND:FACTOR", str(e.exception))


class CompareTests(unittest.TestCase):
    BASE = {"total": 854, "file": 41, "zero-fill": 96, "swap-in": 713, "write-protect": 4}
    BAND = {"total": 1.8, "file": 1.9, "swap-in": 1.9}

    def changes(self, **now):
        faults = dict(self.BASE, **{k.replace("_", "-"): v for k, v in now.items()})
        return verdict.compare_faults(self.BASE, faults, self.BAND)

    def test_a_move_within_the_band_is_tolerated(self):
        changes, tolerated = self.changes(total=1278, file=67, swap_in=1111)
        self.assertEqual(changes, [])
        self.assertEqual(tolerated, ["total 854 -> 1278", "file 41 -> 67", "swap-in 713 -> 1111"])

    def test_a_count_2x_off_or_half_fails(self):
        for kind in self.BAND:
            for factor in (2, 0.5):
                now = int(self.BASE[kind] * factor)
                changes, _ = self.changes(**{kind.replace("-", "_"): now})
                self.assertEqual(len(changes), 1, (kind, now))
                self.assertIn("outside its band", changes[0])

    def test_kinds_without_a_band_stay_exact(self):
        changes, tolerated = self.changes(zero_fill=97)
        self.assertEqual((changes, tolerated), (["zero-fill 96 -> 97"], []))
        changes, _ = verdict.compare_faults(self.BASE, dict(self.BASE, total=855))
        self.assertEqual(changes, ["total 854 -> 855"])

    def test_limits(self):
        self.assertEqual(verdict.band_limits(854, 1.8), (475, 1537))
        self.assertEqual(verdict.band_limits(0, 1.9), (0, 0))
        self.assertEqual(verdict.band_limits(10, 1.25), (8, 12))


class DeclaredBandsTests(unittest.TestCase):
    """Every band declared in the tree holds its accepted baseline and fails a run whose
    banded count is 2x or half of it: a VM broken that way cannot pass."""

    def declared(self):
        tests = [t for t in testcfg.load_tests() if t.faults_band]
        self.assertTrue(tests, "no test declares faults_band")
        return tests

    def test_each_declared_band_catches_a_count_2x_off(self):
        for t in self.declared():
            path = t.faults_file()
            self.assertTrue(os.path.exists(path), "%s declares faults_band but has no baseline" % t.id)
            base = verdict.read_faults(path)
            self.assertEqual(verdict.compare_faults(base, base, t.faults_band), ([], []))
            for kind in t.faults_band:
                self.assertIn(kind, base, "%s: faults_band names %s, which its baseline lacks" % (t.id, kind))
                for factor in (2, 0.5):
                    broken = dict(base, **{kind: int(base[kind] * factor)})
                    if broken[kind] == base[kind]:
                        continue   # a count of 0 (or 1 halved) is exact under any band
                    changes, _ = verdict.compare_faults(base, broken, t.faults_band)
                    self.assertTrue(changes, "%s: %s %d -> %d passes its band" % (t.id, kind, base[kind], broken[kind]))


def judge_against(baseline, cfg):
    """make check's verdict on test_offline's demo run (total 5, file 2, zero-fill 3) with
    the .faults file BASELINE and the tests.cfg lines CFG."""
    with tempfile.TemporaryDirectory() as exp:
        suite = os.path.join(exp, "unit")
        os.makedirs(suite)
        for name, text in (("demo.out", "(demo) begin\n(demo) end\n"), ("demo.faults", baseline)):
            with open(os.path.join(suite, name), "w") as f:
                f.write(text)
        return verdict.judge(make_test(cfg), result(console(["(demo) begin", "(demo) end"])), exp, "check")


class JudgeTests(unittest.TestCase):
    """End to end through verdict.judge with a baseline file, as make check runs it."""

    def test_band_tolerates_then_fails(self):
        self.assertEqual(judge_against("total 4\nfile 2\nzero-fill 3\n", "").status, "FAIL")
        v = judge_against("total 4\nfile 2\nzero-fill 3\n", "faults_band = total:1.5")
        self.assertEqual(v.status, "PASS")
        self.assertIn("page faults within the declared band (faults_band): total 4 -> 5", v.notes)
        v = judge_against("total 10\nfile 2\nzero-fill 3\n", "faults_band = total:1.9")  # half
        self.assertEqual(v.status, "FAIL")
        self.assertIn("total 10 -> 5 (outside its band x1.9: 6-19)", v.reason)
        v = judge_against("total 5\nfile 2\nzero-fill 4\n", "faults_band = total:1.9 file:1.9")
        self.assertEqual(v.status, "FAIL")                                         # an exact kind
        self.assertIn("zero-fill 4 -> 3", v.reason)

    def test_accept_names_a_move_within_the_band(self):
        old = {"total": 4, "file": 2, "zero-fill": 3}
        self.assertEqual(accept.baseline_change(old, RUN_FAULTS, None, {"total": 1.5}),
                         "total 4 -> 5 (within its band)")
        self.assertEqual(accept.baseline_change(old, RUN_FAULTS), "total 4 -> 5")


if __name__ == "__main__":
    unittest.main()
