"""python3 -m harness pintos: grade a Pintos-KAIST kernel (docs/grading-pintos.md).

usage: python3 -m harness pintos --kernel BUILD [--tree PRISTINE] [OPTIONS]
       python3 -m harness pintos --class DIR --project vm --tree PRISTINE [OPTIONS]
       python3 -m harness pintos --class-table RESULTS...

The kernel (BUILD/os.dsk, BUILD/kernel.o) is the only thing taken from a submission when
--tree names the pristine tree: test list, test programs, checkers and rubric come from a
private built copy of that tree.
"""
import argparse
import concurrent.futures
import fnmatch
import hashlib
import json
import os
import shlex
import signal
import sys
import time

from harness.common import DEFAULT_IPS, ROOT, HarnessError, die
from harness.pk import emu, grading, pkview, tree

VARIANT_STEP = 0.0137     # variant k runs at ips * (1 + k * VARIANT_STEP)


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise HarnessError(message)


def make_parser():
    p = Parser(prog="harness pintos", allow_abbrev=False,
               description="Grade a Pintos-KAIST kernel under deterministic Bochs with the tree's own checkers.")
    p.add_argument("--kernel", help="the submission's built project: <tree>/<project>/build (os.dsk, kernel.o)")
    p.add_argument("--tree", help="the pristine Pintos-KAIST source tree: tests, checkers and rubric come "
                   "from it (default: the kernel's own tree, untrusted)")
    p.add_argument("--tests", default="", help="space-separated globs on test names (tests/vm/page-*, page-*)")
    p.add_argument("-j", "--jobs", type=int, default=None)
    p.add_argument("--results", default=None, help="results directory (default build/pintos/<project>)")
    p.add_argument("--ips", type=int, default=DEFAULT_IPS, help="Bochs instructions per emulated second")
    p.add_argument("--timeout", type=float, default=None, metavar="S",
                   help="emulated seconds each test may run (default: its Makefile's -T)")
    p.add_argument("--variants", type=int, default=1, metavar="N",
                   help="flake certificate: run each test under N deterministic machine variants")
    p.add_argument("--variant", type=int, default=None, metavar="K", help="run only variant K (a replay)")
    p.add_argument("--rename", action="store_true",
                   help="run each test program under a neutral name (a kernel cannot key on test names)")
    p.add_argument("--no-faults", action="store_true", help="do not count page faults in the emulator")
    p.add_argument("--keep", action="store_true", help="keep each run's directory (bochsrc, disks, bochs.out)")
    p.add_argument("--view", action="store_true",
                   help="also a VM page per test, tests/<suite>/<test>.html, from a second run that "
                        "records each page fault (harness/pk/pkview.py)")
    p.add_argument("--shard", default=None, metavar="K/N", help="only the K-th of N slices (tests, or submissions)")
    p.add_argument("--class", dest="klass", default=None, metavar="DIR", help="grade every submission in DIR")
    p.add_argument("--project", default=None, choices=tree.PROJECTS, help="class mode: the project to grade")
    p.add_argument("--class-table", nargs="+", default=None, metavar="RESULTS",
                   help="build the class table (CSV, HTML) from class results directories")
    p.add_argument("--verbose", "-v", action="store_true")
    return p


def default_jobs():
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def parse_shard(text):
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        k = n = 0
    if not (1 <= k <= n):
        raise HarnessError("--shard takes K/N with 1 <= K <= N, not %r" % text)
    return k, n


def select(tests, patterns):
    """The tests matching any pattern (on tests/<suite>/<name>, <suite>/<name> or <name>);
    HarnessError for a pattern that matches nothing."""
    if not patterns.split():
        return list(tests)
    chosen = set()
    for pat in patterns.split():
        hit = [t for t in tests if fnmatch.fnmatchcase(t.name, pat)
               or fnmatch.fnmatchcase(t.name[len("tests/"):], pat)
               or fnmatch.fnmatchcase(t.name.rsplit("/", 1)[-1], pat)
               or t.name.startswith("tests/" + pat.strip("/") + "/")]
        if not hit:
            raise HarnessError("--tests %r matches no test of this project" % pat)
        chosen.update(t.name for t in hit)
    return [t for t in tests if t.name in chosen]


def variant_ips(base, k):
    return int(round(base * (1 + k * VARIANT_STEP)))


def alias_of(name):
    return "p" + hashlib.sha1(name.encode()).hexdigest()[:7]


def renamed(test):
    """A copy of test whose program is put and run under alias_of(its name); (copy, alias)
    or (test, None) when the test runs no program of its own name (kernel tests)."""
    import copy
    prog = test.program
    if not any(g == prog for _, g in test.puts):
        return test, None
    alias = alias_of(test.name)
    t = copy.copy(test)
    t.puts = [(h, alias if g == prog else g) for h, g in test.puts]
    args = []
    for w in test.kernel_args:
        if w == prog or w.startswith(prog + " "):
            w = alias + w[len(prog):]
        args.append(w)
    t.kernel_args = args
    return t, alias


class Grader:
    """One kernel against one trusted project; results under self.results."""

    def __init__(self, kernel_build, project, results, args, trusted):
        self.kernel = kernel_build
        self.project = project
        self.results = results
        self.args = args
        self.trusted = trusted
        self.spin = tree.power_off_spin(kernel_build)

    def rerun(self, name, variant):
        cmd = ["python3", "-m", "harness", "pintos", "--kernel", self.kernel]
        if self.trusted:
            cmd += ["--tree", self.trusted]
        cmd += ["--tests", name]
        if variant:
            cmd += ["--variant", str(variant)]
        if self.args.ips != DEFAULT_IPS:
            cmd += ["--ips", str(self.args.ips)]
        if self.args.rename:
            cmd += ["--rename"]
        if self.args.timeout is not None:
            cmd += ["--timeout", "%g" % self.args.timeout]
        return "cd %s && %s" % (shlex.quote(ROOT), " ".join(shlex.quote(c) for c in cmd))

    def vdir(self, variant):
        return self.results if not variant else os.path.join(self.results, "variants", "v%d" % variant)

    def run_one(self, test, variant):
        """Boots, checks and records one test under one variant; its record (a dict)."""
        ips = variant_ips(self.args.ips, variant)
        t, alias = renamed(test) if self.args.rename else (test, None)
        r = emu.run(t, os.path.join(self.kernel, "os.dsk"), spin=self.spin, ips=ips,
                    count_faults=not self.args.no_faults, keep=self.args.keep, timeout=self.args.timeout)
        console = r.console
        if alias:
            console = console.replace(alias.encode(), test.program.encode())
        if r.status == "cmdline":
            console = r.detail.encode() + b"\n"
        out = self.vdir(variant)
        grading.write_output(out, test.name, console)
        ok, text = grading.check(self.project.src, out, test.name)
        verdict = "ERROR" if r.status == "watchdog" else "PASS" if ok else "FAIL"
        rec = {"test": test.name, "variant": variant, "ips": ips, "verdict": verdict,
               "run": r.status, "detail": r.detail, "result": text.splitlines()[:60],
               "faults": r.faults, "emulated_ticks": r.ticks, "wall_seconds": round(r.wall, 3),
               "rerun": self.rerun(test.name, variant), "run_dir": r.workdir, "renamed_to": alias}
        if self.args.view:
            rec["view"] = pkview.write_page(t, self.kernel, self.spin, ips, out, self.args.timeout)
        path = os.path.join(out, test.name + ".json")
        with open(path, "w") as f:
            json.dump(rec, f, indent=1, sort_keys=True)
            f.write("\n")
        return rec


def print_failure(rec, verbose, stream):
    lines = rec["result"][1:]
    if not verbose and len(lines) > 40:
        lines = lines[:40] + ["... (%d more lines in %s.result)" % (len(rec["result"]) - 41, rec["test"])]
    stream.write("%s %s%s\n" % (rec["verdict"], rec["test"], " (variant %d)" % rec["variant"] if rec["variant"] else ""))
    if rec["run"] not in ("poweroff",):
        stream.write("  run: %s%s\n" % (rec["run"], ": " + rec["detail"] if rec["detail"] else ""))
    for l in lines:
        stream.write("  " + l + "\n")
    stream.write("  rerun: %s\n" % rec["rerun"])


def write_junit(path, records, wall):
    from xml.sax.saxutils import escape, quoteattr
    fails = [r for r in records if r["verdict"] != "PASS"]
    with open(path, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        f.write('<testsuite name="pintos" tests="%d" failures="%d" time="%.3f">\n' % (len(records), len(fails), wall))
        for r in records:
            name = r["test"] + (".v%d" % r["variant"] if r["variant"] else "")
            f.write('  <testcase classname=%s name=%s time="%.3f"' % (
                quoteattr(name.rsplit("/", 1)[0]), quoteattr(name.rsplit("/", 1)[-1]), r["wall_seconds"]))
            if r["verdict"] == "PASS":
                f.write("/>\n")
                continue
            msg = r["detail"] if r["verdict"] == "ERROR" else (r["result"][1] if len(r["result"]) > 1 else r["run"])
            body = "\n".join(r["result"]) + "\nrerun: " + r["rerun"]
            body = "".join(c for c in body if c in "\t\n" or ord(c) >= 32)
            tag = "error" if r["verdict"] == "ERROR" else "failure"
            f.write('>\n    <%s message=%s>%s</%s>\n  </testcase>\n' % (tag, quoteattr(msg), escape(body), tag))
        f.write("</testsuite>\n")


def write_gradescope(path, records, score):
    """Gradescope's results.json: the make-grade total as the score (out of 100), and one
    entry per test with its .result text. (A minimal writer of this package's own.)"""
    data = {"score": score if score is not None else 0.0, "max_score": 100.0,
            "tests": [{"name": r["test"], "status": "passed" if r["verdict"] == "PASS" else "failed",
                       "output": "\n".join(r["result"][1:] + ["rerun: " + r["rerun"]])
                       if r["verdict"] != "PASS" else ""} for r in records]}
    with open(path, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")


def certificate(records, variants):
    """Per test: pass-all, fail-all, or flaky with the failing variants and their replays."""
    by = {}
    for r in records:
        by.setdefault(r["test"], []).append(r)
    cert = []
    for name, recs in by.items():
        recs.sort(key=lambda r: r["variant"])
        bad = [r for r in recs if r["verdict"] != "PASS"]
        if any(r["verdict"] == "ERROR" for r in recs):
            kind = "error"          # a watchdog ending: no certificate for this test
        elif not bad:
            kind = "pass-all"
        elif len(bad) == len(recs):
            kind = "fail-all"
        else:
            kind = "flaky"
        cert.append({"test": name, "certificate": kind, "variants": len(recs),
                     "failing_variants": [r["variant"] for r in bad],
                     "replay": {str(r["variant"]): r["rerun"] for r in bad} if kind in ("flaky", "error") else {}})
    return cert


def grade_kernel(kernel_build, trusted_src, results, args, stream=sys.stdout, project_kind=None):
    """Grades one kernel; writes every result file; returns the summary dict."""
    t0 = time.monotonic()
    c0 = os.times()
    kind = os.path.basename(os.path.dirname(kernel_build))
    kind = project_kind or kind
    if trusted_src:
        tbuild = tree.trusted_build(trusted_src, kind)
    else:
        tbuild = kernel_build
    project = tree.load_project(tbuild)
    tests = select(project.tests, args.tests)
    if args.shard:
        k, n = parse_shard(args.shard)
        tests = tests[k - 1::n]
    variants = list(range(args.variants)) if args.variant is None else [args.variant]
    if args.variants < 1 or (args.variant is not None and args.variant < 0):
        raise HarnessError("--variants takes N >= 1 and --variant K >= 0")
    g = Grader(kernel_build, project, results, args, trusted_src)
    if g.spin is None:
        stream.write("note: no power_off loop found in %s/kernel.o: runs end at their time limit\n" % kernel_build)
    if not trusted_src:
        stream.write("note: no --tree: checkers and test programs come from the kernel's own tree (untrusted)\n")
    os.makedirs(results, exist_ok=True)
    # The checkers turn a panic's call stack into lines with utils/backtrace, which reads
    # kernel.o in the directory they run in: the submission's kernel.
    for d in set(g.vdir(v) for v in variants):
        link = os.path.join(d, "kernel.o")
        os.makedirs(d, exist_ok=True)
        if os.path.lexists(link):
            os.unlink(link)
        if os.path.exists(os.path.join(kernel_build, "kernel.o")):
            os.symlink(os.path.join(kernel_build, "kernel.o"), link)
    jobs = args.jobs or default_jobs()
    work = [(t, v) for v in variants for t in tests]
    records = []
    done = 0
    ex = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
    try:
        futs = {ex.submit(g.run_one, t, v): (t, v) for t, v in work}
        for fut in concurrent.futures.as_completed(futs):
            rec = fut.result()
            records.append(rec)
            done += 1
            if rec["verdict"] != "PASS":
                print_failure(rec, args.verbose, stream)
            elif args.verbose:
                stream.write("pass %s\n" % rec["test"])
            stream.flush()
    except BaseException:
        # Ctrl-C or SIGTERM: no new machine starts, running ones are killed, then wait.
        emu.abort_all()
        ex.shutdown(wait=True, cancel_futures=True)
        raise
    ex.shutdown(wait=True)
    order = {(t.name, v): i for i, (t, v) in enumerate(work)}
    records.sort(key=lambda r: order[(r["test"], r["variant"])])
    base = [r for r in records if r["variant"] == variants[0]]
    grading.write_results(g.vdir(variants[0]), [(r["test"], r["verdict"] == "PASS") for r in base])
    grade_text = grading.make_grade(project.src, g.vdir(variants[0]), project.grading)
    score = grading.total(grade_text)
    wall = time.monotonic() - t0
    c1 = os.times()
    cpu = (c1.children_user + c1.children_system + c1.user + c1.system) - (c0.children_user + c0.children_system + c0.user + c0.system)
    passed = sum(1 for r in records if r["verdict"] == "PASS")
    errors = sorted({r["test"] for r in records if r["verdict"] == "ERROR"})
    summary = {"kernel": kernel_build, "tree": trusted_src or project.src, "project": kind,
               "tests": len(tests), "runs": len(records), "passed": passed, "failed": len(records) - passed,
               "score_percent": score, "variants": variants, "ips": args.ips, "jobs": jobs,
               "wall_seconds": round(wall, 1), "cpu_seconds": round(cpu, 1),
               "failed_tests": sorted({r["test"] for r in records if r["verdict"] != "PASS"}),
               "errors": sum(1 for r in records if r["verdict"] == "ERROR"), "error_tests": errors,
               "faults": {r["test"]: r["faults"] for r in base}}
    if len(variants) > 1:
        cert = certificate(records, variants)
        summary["certificate"] = {c["certificate"]: sum(1 for x in cert if x["certificate"] == c["certificate"])
                                  for c in cert}
        summary["flaky_tests"] = [c["test"] for c in cert if c["certificate"] == "flaky"]
        with open(os.path.join(results, "certificate.json"), "w") as f:
            json.dump(cert, f, indent=1)
            f.write("\n")
        with open(os.path.join(results, "certificate.txt"), "w") as f:
            for c in cert:
                f.write("%-45s %s%s\n" % (c["test"], c["certificate"], " on variants " + ",".join(
                    str(v) for v in c["failing_variants"]) if c["certificate"] in ("flaky", "error") else ""))
                for v, cmd in c["replay"].items():
                    f.write("    replay v%s: %s\n" % (v, cmd))
        with open(os.path.join(results, "certificate.txt")) as f:
            stream.write(f.read())
    with open(os.path.join(results, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
        f.write("\n")
    write_junit(os.path.join(results, "junit.xml"), records, wall)
    write_gradescope(os.path.join(results, "gradescope.json"), base, score)
    nf = sum(1 for r in base if r["faults"] and r["faults"]["user"] + r["faults"]["kernel"])
    stream.write("score %s%% (%s/grade); page faults counted on %d tests; results in %s\n"
                 % ("%.1f" % score if score is not None else "?", results, nf, results))
    if errors:
        stream.write("ERROR: %d runs ended by the host-time watchdog (no verdict; counted as failed): %s\n"
                     % (summary["errors"], " ".join(errors)))
    stream.write("%d passed, %d failed\n" % (passed, len(records) - passed))
    return summary


def main(argv):
    signal.signal(signal.SIGTERM, lambda s, f: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        args = make_parser().parse_args(argv)
        if args.jobs is not None and args.jobs < 1:
            raise HarnessError("-j takes a number of jobs >= 1")
        if args.ips < 1000:
            raise HarnessError("--ips must be at least 1000")
        if args.class_table:
            from harness.pk import klass
            return klass.table(args.class_table, sys.stdout)
        grading.check_perl()
        emu.check_bochs()
        if args.klass:
            from harness.pk import klass
            return klass.grade_class(args, sys.stdout)
        if not args.kernel:
            raise HarnessError("give --kernel <tree>/<project>/build (or --class DIR)")
        kernel = tree.resolve_build(args.kernel)
        kind = os.path.basename(os.path.dirname(kernel))
        results = args.results or os.path.join(ROOT, "build", "pintos", kind)
        s = grade_kernel(kernel, os.path.abspath(args.tree) if args.tree else None, os.path.abspath(results), args)
        return 0 if s["failed"] == 0 else 1
    except HarnessError as e:
        die("harness pintos", e)
    except KeyboardInterrupt:
        emu.abort_all()
        sys.stdout.write("\nharness pintos: interrupted; every emulator stopped\n")
        return 130
