"""Unit tests of the benchmark's pure-python parts: the replacement simulators, the
reference-string generators (cross-checked against the C generator compiled on the host),
the report's table and plot, and the parsing of workload consoles."""
import os
import shutil
import subprocess
import tempfile
import unittest

from harness.vmbench import refsim, refstr
from harness.common import ROOT

# The textbook string that shows Belady's anomaly for FIFO.
ANOMALY = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5]


class SimulatorTest(unittest.TestCase):
    def test_fifo_anomaly(self):
        self.assertEqual(refsim.fifo(ANOMALY, 3).faults, 9)
        self.assertEqual(refsim.fifo(ANOMALY, 4).faults, 10)

    def test_lru_and_opt_on_the_anomaly_string(self):
        self.assertEqual(refsim.lru(ANOMALY, 3).faults, 10)
        self.assertEqual(refsim.lru(ANOMALY, 4).faults, 8)
        self.assertEqual(refsim.opt(ANOMALY, 3).faults, 7)
        self.assertEqual(refsim.opt(ANOMALY, 4).faults, 6)

    def test_clock_by_hand(self):
        # Frames 3. 1 2 3 fill (bits set); 4: hand clears all, evicts 1 -> [4 2 3], hand 1.
        # 1: bits of 2, 3 clear -> evicts 2 -> [4 1 3], hand 2. 2: 3 bit clear -> evicts 3.
        r = refsim.clock([1, 2, 3, 4, 1, 2], 3)
        self.assertEqual(r.faults, 6)
        # A page referenced again before the hand reaches it survives: 1 2 3 4 -> [4 2 3]
        # with bits 1 0 0 ... 2 referenced (bit set), 5 evicts 3 (2 gets its second chance).
        r = refsim.clock([1, 2, 3, 4, 2, 5, 2], 3)
        self.assertEqual(r.faults, 5)

    def test_cyclic_loop_larger_than_memory(self):
        refs = list(range(5)) * 4
        for policy in ("fifo", "lru", "clock"):
            self.assertEqual(refsim.simulate(policy, refs, 4).faults, 20, policy)
        # OPT: 5 cold faults, then at references 8, 12 and 16 (worked by hand: each fault
        # evicts the page needed last, which buys 4 references).
        self.assertEqual(refsim.opt(refs, 4).faults, 5 + 3)

    def test_cold_and_major(self):
        r = refsim.fifo([1, 2, 3, 1, 2, 3], 2)
        self.assertEqual((r.faults, r.cold, r.major), (6, 3, 3))
        self.assertEqual(r.by_page, {1: 2, 2: 2, 3: 2})

    def test_initial_pages_are_resident_not_faults(self):
        r = refsim.fifo(["c", 1, "c", 2, "c"], 2, initial=["c"])
        # 1 fills the second frame; 2 evicts c (loaded first), c faults again evicting 1.
        self.assertEqual((r.faults, r.cold, r.major), (3, 2, 1))
        self.assertEqual(refsim.lru(["c", 1, "c", 2, "c"], 2, initial=["c"]).faults, 2)

    def test_opt_is_a_lower_bound(self):
        refs = refstr.build(["press", "rand", "40", "400", "7"]).refs()
        best = refsim.opt(refs, 16).faults
        for policy in ("fifo", "lru", "clock"):
            self.assertGreaterEqual(refsim.simulate(policy, refs, 16).faults, best)

    def test_bad_arguments(self):
        with self.assertRaises(ValueError):
            refsim.fifo([1], 0)
        with self.assertRaises(ValueError):
            refsim.simulate("second-chance", [1], 1)
        with self.assertRaises(ValueError):
            refsim.lru([1], 1, initial=[1, 2])


class RefStringTest(unittest.TestCase):
    def test_patterns(self):
        self.assertEqual(refstr.build(["press", "seq", "3"]).procs, [("p", [0, 1, 2])])
        self.assertEqual(refstr.build(["press", "loop", "2", "3"]).procs[0][1], [0, 1] * 3)
        self.assertEqual(refstr.build(["press", "scan", "2", "3", "2"]).procs[0][1],
                         [0, 1, 2, 3, 4, 0, 1, 5, 6, 7])
        w = refstr.build(["press", "two", "2", "1", "5"])
        self.assertEqual([l for l, _ in w.procs], ["a", "b"])
        self.assertFalse(w.exact())
        a, b = ("a", "code"), ("b", "code")
        self.assertEqual(w.refs(), [("a", 0), a, ("b", 0), b, ("a", 1), a, ("b", 1), b])
        self.assertEqual(w.refs(interleave=False),
                         [("a", 0), a, ("a", 1), a, ("b", 0), b, ("b", 1), b])

    def test_code_page_between_touches(self):
        w = refstr.build(["press", "seq", "2"])
        self.assertEqual(w.refs(), [("p", 0), ("p", "code"), ("p", 1), ("p", "code")])
        self.assertEqual(w.initial(), [("p", "code")])

    def test_skew_is_skewed(self):
        pages = refstr.build(["press", "skew", "100", "5000", "3"]).procs[0][1]
        hot = sum(1 for p in pages if p < 20)
        self.assertTrue(0.77 < hot / 5000 < 0.83, hot)
        self.assertTrue(all(0 <= p < 100 for p in pages))

    def test_rejects_what_press_rejects(self):
        for words in (["press", "seq"], ["press", "seq", "0"], ["press", "seq", "2000"],
                      ["press", "hop", "1"], ["cat", "seq", "1"], ["press", "skew", "4", "9", "1"],
                      ["press", "loop", "x", "1"]):
            with self.assertRaises(ValueError, msg=words):
                refstr.build(words)

    @unittest.skipUnless(shutil.which("gcc"), "no host gcc")
    def test_rng_matches_the_c_header(self):
        """Compiles src/tests/bench/press-rng.h on the host and compares 200 values."""
        src = ('#include <stdio.h>\n#include "tests/bench/press-rng.h"\n'
               'int main(void) { uint64_t s = 12345; for (int i = 0; i < 200; i++) {\n'
               '  uint64_t x = press_rng_next(&s);\n'
               '  printf("%llu %llu\\n", (unsigned long long)x,\n'
               '         (unsigned long long)press_rng_skew(x, 97, 19)); } return 0; }\n')
        with tempfile.TemporaryDirectory() as d:
            c = os.path.join(d, "rng.c")
            with open(c, "w") as f:
                f.write(src)
            exe = os.path.join(d, "rng")
            subprocess.run(["gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-I",
                            os.path.join(ROOT, "src"), c, "-o", exe], check=True)
            out = subprocess.run([exe], stdout=subprocess.PIPE, check=True).stdout.decode()
        state, want = 12345, []
        for _ in range(200):
            state, x = refstr.rng_next(state)
            want.append("%d %d" % (x, refstr.skew_page(x, 97, 19)))
        self.assertEqual(out.split("\n")[:-1], want)


if __name__ == "__main__":
    unittest.main()
