"""Measures the harness's own cost per test, apart from emulation: building the run
directory and disks, and judging the console (python3 -m harness.overhead [N])."""
import os
import sys
import time

from harness import machine, testcfg, verdict
from harness.common import RESULTS
from harness.machine import Machine, RunResult, RunSpec


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    tests = [t for t in testcfg.load_tests() if not t.bench]
    t0 = time.perf_counter()
    tests = testcfg.load_tests()
    load = time.perf_counter() - t0
    sample = [t for t in tests if t.kind == "user"][:n] + [t for t in tests if t.kind == "kernel"][:n]
    prep = judge = 0.0
    for t in sample:
        spec = RunSpec(t.kernel_words(), mem=t.mem, put_files=t.put_files(), fs_mb=t.fs_disk,
                       swap_mb=t.swap, scratch_mb=t.scratch)
        m = Machine(spec)
        a = time.perf_counter()
        m.prepare()
        prep += time.perf_counter() - a
        m.cleanup(force=True)
        path = os.path.join(RESULTS, t.suite, t.name + ".console")
        if os.path.exists(path):
            res = RunResult()
            res.status = "poweroff"
            with open(path, "rb") as f:
                res.console = f.read()
            a = time.perf_counter()
            verdict.judge(t, res, verdict.ROOT + "/expected", True, None)
            judge += time.perf_counter() - a
    k = len(sample)
    print("tests.cfg parsing: %.1f ms for all %d tests" % (load * 1000, len(tests)))
    print("run directory and disks: %.1f ms per test (mean of %d)" % (prep * 1000 / k, k))
    print("verdict (markers, diff, statistics, baselines): %.2f ms per test" % (judge * 1000 / k))


if __name__ == "__main__":
    main()
