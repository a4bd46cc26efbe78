"""Kestrel's page-fault counters against the page faults Bochs itself saw.

python3 -m harness.pk.faultcheck [--tests 'GLOBS'] [-j N]

Boots each selected Kestrel test as `make check` does (running.spec_for_test), with Bochs's
exception trace on (`show dbg_all`: one `Exception 0x0e ... (error_code=...)` line per
page fault the CPU raises), and compares the count with the kernel's own `pf_total` on its
STATS line. Every #PF the CPU raises reaches Kestrel's handler, which counts it once, so
the two must be equal; a test whose STATS line has no pf_total is skipped (none today).
Exit status 0 when every test agrees. Prints one line per test and a summary line.
"""
import argparse
import concurrent.futures
import fnmatch
import os
import sys

from harness import machine, running, testcfg, verdict
from harness.common import HarnessError, die, remove_tree
from harness.pk.emu import PF_RE


def count_faults(bochs_out):
    """{"user": n, "kernel": n} from a Bochs stdout log with the exception trace on."""
    faults = {"user": 0, "kernel": 0}
    with open(bochs_out, "rb") as f:
        for line in f:
            m = PF_RE.search(line)
            if m:
                faults["user" if int(m.group(1), 16) & 4 else "kernel"] += 1
    return faults


def check_test(test):
    """(test id, emulator faults, kernel pf_total or None, problem or None) for one test."""
    spec = running.spec_for_test(test)
    spec.keep = True
    spec.bochs_setup = b"show dbg_all\n"
    res = machine.Machine(spec).run()
    try:
        if res.status != "poweroff":
            return test.id, None, None, "run ended %s: %s" % (res.status, res.detail)
        faults = count_faults(os.path.join(res.workdir, "bochs.out"))
    finally:
        if res.workdir:
            remove_tree(res.workdir)
    stats = verdict.parse_stats(res.text())
    return test.id, faults, stats.get("pf_total"), None


def main(argv=None):
    p = argparse.ArgumentParser(prog="faultcheck", description=__doc__.split("\n")[0])
    p.add_argument("--tests", default="*")
    p.add_argument("-j", "--jobs", type=int, default=running.default_jobs())
    args = p.parse_args(argv)
    try:
        tests = [t for t in testcfg.load_tests() if not t.bench
                 and any(fnmatch.fnmatchcase(t.id, pat) or fnmatch.fnmatchcase(t.name, pat)
                         for pat in args.tests.split())]
        if not tests:
            raise HarnessError("--tests %r selects no emulated test" % args.tests)
        bad = skipped = 0
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
            for tid, faults, pf_total, problem in ex.map(check_test, tests):
                if problem:
                    bad += 1
                    print("ERROR %s: %s" % (tid, problem))
                elif pf_total is None:
                    skipped += 1
                    print("skip  %s: no pf_total on its STATS line" % tid)
                else:
                    seen = faults["user"] + faults["kernel"]
                    ok = seen == pf_total
                    bad += not ok
                    print("%s %s: Bochs saw %d page faults (%d user, %d kernel), the kernel counted %d"
                          % ("ok   " if ok else "DIFF ", tid, seen, faults["user"], faults["kernel"], pf_total))
        print("%d tests: %d agree, %d differ or failed, %d skipped"
              % (len(tests), len(tests) - bad - skipped, bad, skipped))
        return 1 if bad else 0
    except HarnessError as e:
        die("faultcheck", e)
    except KeyboardInterrupt:
        machine.abort_all()
        return 130


if __name__ == "__main__":
    sys.exit(main())
