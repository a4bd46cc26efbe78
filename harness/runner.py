"""make check / grade / accept / bench / unit: run many tests in parallel and report.

usage: python3 -m harness COMMAND [OPTIONS]
  check    run tests; last line `N passed, N failed[, N skipped]`; exit 1 if any failed
  grade    run tests and score them with expected/rubric.cfg
  accept   run tests under the default seed and record their page-fault baselines
  bench    run tests and compare ticks and cycles with the accepted baselines
  unit     build and run the host unit tests (src/tests/host/*.c) only
  list     print the selected test ids
options: --tests 'PATTERNS' --seeds 1-20 --ips N --repeat N --shard K/N -j N --qemu --fail-inject SPEC
         --expected DIR --results DIR --no-unit --verbose
"""
import argparse
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from xml.sax.saxutils import escape, quoteattr

from harness import machine, testcfg, verdict
from harness.backtrace import symbolize_log
from harness.common import (BUILD, DEFAULT_IPS, EXPECTED, HarnessError, RESULTS, ROOT, die,
                            nearest)

HOST_DIR = os.path.join(ROOT, "src", "tests", "host")
HOST_CFLAGS = ["-std=gnu11", "-Isrc", "-DHOST_TEST", "-O1", "-g", "-Wall"]
UNIT_TIMEOUT = 120          # host seconds for one host unit test (native code, not emulated)


# Kernel option -fail=SPEC (src/threads/failinject.h), checked here for a one-line error.
FAIL_INJECT_RE = re.compile(r"^(all|(kpage|frame|malloc|dread|dwrite)(\+(kpage|frame|malloc|dread|dwrite))*)"
                            r":(every=[1-9][0-9]*|permille=([0-9]{1,3}))(:seed=[0-9]+)?$")


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise HarnessError(message)


def parse_seeds(text):
    """'1-20', '3,5,9', '1-4,10' -> sorted list of ints > 0."""
    seeds = set()
    for part in text.replace(" ", ",").split(","):
        if not part:
            continue
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not m:
            raise HarnessError("SEEDS must look like 1-20 or 3,5,9, not %r" % text)
        lo = int(m.group(1))
        hi = int(m.group(2) or lo)
        if hi < lo or hi - lo > 100000:
            raise HarnessError("bad seed range %r" % part)
        seeds.update(range(lo, hi + 1))
    if not seeds:
        raise HarnessError("SEEDS is empty")
    if 0 in seeds:
        raise HarnessError("seed 0 means no perturbation; SEEDS start at 1")
    return sorted(seeds)


def parse_shard(text):
    m = re.fullmatch(r"(\d+)/(\d+)", text or "")
    if not m or not (1 <= int(m.group(1)) <= int(m.group(2))):
        raise HarnessError("--shard takes K/N with 1 <= K <= N, not %r" % text)
    return int(m.group(1)), int(m.group(2))


def default_jobs():
    """-j from make's MAKEFLAGS (make -j2 check), else the number of cores."""
    m = re.search(r"(?:^|\s)-j\s*(\d+)|--jobs[= ](\d+)", os.environ.get("MAKEFLAGS", ""))
    if m:
        return max(1, int(m.group(1) or m.group(2)))
    return os.cpu_count() or 1


def make_parser():
    p = Parser(prog="harness", add_help=True, allow_abbrev=False, description=__doc__.split("\n")[0])
    p.add_argument("command", choices=["check", "grade", "accept", "bench", "unit", "list"])
    p.add_argument("--tests", default="", help="space-separated globs on suite/name")
    p.add_argument("--seeds", default="")
    p.add_argument("--ips", type=int, default=None)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--shard", default=None)
    p.add_argument("-j", "--jobs", type=int, default=None)
    p.add_argument("--qemu", action="store_true")
    p.add_argument("--fail-inject", default="", metavar="SPEC")
    p.add_argument("--expected", default=EXPECTED)
    p.add_argument("--results", default=RESULTS)
    p.add_argument("--rubric", default=os.path.join(EXPECTED, "rubric.cfg"))
    p.add_argument("--tests-root", default=None, help=argparse.SUPPRESS)
    p.add_argument("--no-unit", action="store_true", help="leave out host unit tests")
    p.add_argument("--with-output", action="store_true",
                   help="accept: also write a missing expected .out from the actual output")
    p.add_argument("--verbose", "-v", action="store_true")
    return p


# ------------------------------------------------------------------ work items

class Item:
    """One unit of work: an emulator test under one seed, a host unit test, or the harness self-test."""
    kind = "emu"

    def __init__(self, ident, test=None, seed=0):
        self.id = ident
        self.test = test
        self.seed = seed
        self.label = ident + (" (seed %d)" % seed if seed else "")


def host_items():
    items = []
    if os.path.isdir(HOST_DIR):
        for f in sorted(os.listdir(HOST_DIR)):
            if f.endswith(".c"):
                it = Item("host/" + f[:-2])
                it.kind = "host"
                it.source = os.path.join(HOST_DIR, f)
                items.append(it)
    return items


def expect_items():
    """Every src/tests/<suite>/<name>.exp: an expect script driving a real interactive session
    through tools/pintos; it passes when the script exits 0."""
    items = []
    tests_dir = os.path.join(ROOT, "src", "tests")
    for suite in sorted(os.listdir(tests_dir)) if os.path.isdir(tests_dir) else []:
        d = os.path.join(tests_dir, suite)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if f.endswith(".exp"):
                it = Item("%s/%s" % (suite, f[:-4]))
                it.kind = "expect"
                it.source = os.path.join("src", "tests", suite, f)
                items.append(it)
    return items


def selftest_item():
    it = Item("harness/selftest")
    it.kind = "selftest"
    return it


def select_items(args):
    """The work items for the command line's test selection, seeds and shard."""
    tests = testcfg.load_tests(args.tests_root) if args.tests_root else testcfg.load_tests()
    patterns = args.tests.split()
    extra = []
    if args.command in ("check", "unit", "list") and not args.no_unit and not args.tests_root:
        extra = host_items()
        if args.command != "unit":
            extra.append(selftest_item())
            extra.extend(expect_items())
    if args.command == "unit":
        tests = []
    emu_patterns, extra_patterns, chosen_extra = [], [], []
    if patterns:
        import fnmatch
        for pat in patterns:
            hits = [e for e in extra if fnmatch.fnmatchcase(e.id, pat) or e.id.split("/")[0] == pat.rstrip("/")]
            if hits:
                chosen_extra += [e for e in hits if e not in chosen_extra]
            else:
                emu_patterns.append(pat)
        try:
            selected = testcfg.select(tests, emu_patterns) if emu_patterns else []
        except HarnessError as e:
            if extra:
                near = nearest(emu_patterns[0], [t.id for t in tests] + [e2.id for e2 in extra])
                raise HarnessError("no test matches %r%s" % (emu_patterns[0], "; did you mean %s?"
                                                             % ", ".join(near) if near else ""))
            raise e
        extra = chosen_extra
    else:
        selected = tests
    # bench = yes workloads run only when named without wildcards (a test or their suite).
    named = [p.rstrip("/") for p in patterns if not any(c in p for c in "*?[")]
    selected = [t for t in selected if not t.bench or (args.command not in ("bench", "grade") and
                                                       (t.id in named or t.name in named or t.suite in named))]
    seeds = parse_seeds(args.seeds) if args.seeds else [0]
    if args.command in ("accept",):
        seeds = [0]
    items = []
    for t in selected:
        for s in seeds:
            items.append(Item(t.id, t, s))
    items += extra
    if args.shard:
        k, n = parse_shard(args.shard)
        items = items[k - 1::n]
    return items


# ------------------------------------------------------------------ running

class Outcome:
    def __init__(self, item):
        self.item = item
        self.verdict = None
        self.wall = 0.0
        self.ticks = 0
        self.console = b""
        self.command = ""


class Runner:
    def __init__(self, args):
        self.args = args
        self.ips = args.ips
        self.emulator = "qemu" if args.qemu else "bochs"
        self.jobs = args.jobs or default_jobs()
        self.tty = sys.stdout.isatty()
        self.lock = threading.Lock()
        self.running = {}
        self.done = 0
        self.total = 0
        self.t0 = time.monotonic()
        self.repro = {}

    # ---------------------------------------------------------- one item

    def rerun_command(self, item):
        parts = ["make", self.args.command if self.args.command in ("check", "bench") else "check",
                 "TESTS=" + item.id]
        if item.seed:
            parts.append("SEEDS=%d" % item.seed)
        if self.ips:
            parts.append("IPS=%d" % self.ips)
        if self.args.repeat > 1:
            parts.append("REPEAT=%d" % self.args.repeat)
        if self.emulator == "qemu":
            parts.append("EMU=qemu")
        if self.args.fail_inject:
            parts.append("FAIL_INJECT=" + self.args.fail_inject)
        return " ".join(parts)

    def run_emu(self, item):
        t = item.test
        out = Outcome(item)
        fi = self.args.fail_inject
        check_faults = (item.seed == 0 and (self.ips in (None, DEFAULT_IPS))
                        and self.emulator == "bochs" and not fi)
        words = t.kernel_words(item.seed, self.ips)
        if fi:
            words = words[:-2] + ["-fail=" + fi] + words[-2:]
        runs = []
        for r in range(max(1, self.args.repeat)):
            try:
                spec = machine.RunSpec(words, mem=t.mem, ips=self.ips,
                                       put_files=t.put_files(), fs_mb=t.fs_disk, swap_mb=t.swap,
                                       scratch_mb=t.scratch, timeout=t.timeout, quiet=t.quiet,
                                       emulator=self.emulator)
                res = machine.Machine(spec).run()
            except HarnessError as e:
                v = verdict.Verdict("ERROR", str(e))
                out.verdict = v
                return out
            v = verdict.judge(t, res, self.args.expected, check_faults, symbolize_log,
                              diff_ok=bool(fi))
            runs.append((res, v))
            out.wall += res.wall
            if v.status != "PASS":
                break
        res, v = runs[-1]
        if len(runs) > 1 and v.status == "PASS":
            first = runs[0][0]
            for i, (other, ov) in enumerate(runs[1:], 2):
                if other.console != first.console:
                    import difflib
                    a = first.text().splitlines()
                    b = other.text().splitlines()
                    diff = list(difflib.unified_diff(a, b, "run 1", "run %d" % i, lineterm="", n=2))
                    v.fail("FAIL", "not deterministic: the console of run %d differs from run 1" % i, diff)
                    break
        out.verdict = v
        out.ticks = res.ticks
        out.console = res.console
        out.command = t.pintos_command(item.seed, self.ips, self.emulator)
        if fi:
            out.command = out.command.replace(" -- -q", " -- -q -fail=" + fi, 1)
        return out

    def run_host(self, item):
        out = Outcome(item)
        name = item.id.split("/", 1)[1]
        exe = os.path.join(BUILD, "host", name)
        os.makedirs(os.path.dirname(exe), exist_ok=True)
        t0 = time.monotonic()
        out.command = "gcc %s %s -o %s && %s" % (" ".join(HOST_CFLAGS), os.path.relpath(item.source, ROOT),
                                                 os.path.relpath(exe, ROOT), os.path.relpath(exe, ROOT))
        try:
            cc = subprocess.run(["gcc"] + HOST_CFLAGS + [item.source, "-o", exe], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
            if cc.returncode:
                v = verdict.Verdict("FAIL", "does not compile")
                v.details = cc.stdout.decode("utf-8", "replace").splitlines()[-30:]
            else:
                r = subprocess.run([exe], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, timeout=UNIT_TIMEOUT)
                out.console = r.stdout
                if r.returncode == 0:
                    v = verdict.Verdict("PASS")
                else:
                    why = ("killed by signal %d" % -r.returncode if r.returncode < 0
                           else "exit status %d" % r.returncode)
                    v = verdict.Verdict("CRASH" if r.returncode < 0 else "FAIL", why)
                    v.details = r.stdout.decode("utf-8", "replace").splitlines()[-30:]
        except subprocess.TimeoutExpired:
            v = verdict.Verdict("TIMEOUT", "still running after %d s" % UNIT_TIMEOUT)
        except OSError as e:
            v = verdict.Verdict("ERROR", "cannot run gcc: %s (apt-get install -y gcc)" % e.strerror)
        out.wall = time.monotonic() - t0
        out.verdict = v
        return out

    def run_script(self, item, argv, what, package):
        """Runs ARGV from the repository root as one test: exit status 0 is a pass."""
        out = Outcome(item)
        t0 = time.monotonic()
        out.command = " ".join(argv)
        try:
            r = subprocess.run(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, timeout=300)
            out.console = r.stdout
            if r.returncode == 0:
                v = verdict.Verdict("PASS")
            else:
                v = verdict.Verdict("FAIL", "%s failed" % what)
                v.details = r.stdout.decode("utf-8", "replace").splitlines()[-40:]
        except subprocess.TimeoutExpired:
            v = verdict.Verdict("TIMEOUT", "%s still running after 300 s" % what)
        except OSError as e:
            v = verdict.Verdict("ERROR", "cannot run %s: %s (apt-get install -y %s)"
                                % (argv[0], e.strerror, package))
        out.wall = time.monotonic() - t0
        out.verdict = v
        return out

    def run_selftest(self, item):
        return self.run_script(item, [sys.executable, "-m", "unittest", "-q",
                                      "harness.tests.test_offline"],
                               "harness self-tests", "python3")

    def run_expect(self, item):
        return self.run_script(item, ["expect", item.source],
                               "expect script %s" % item.source, "expect")

    def run_item(self, item):
        with self.lock:
            self.running[item.label] = time.monotonic()
        self.progress()
        try:
            if machine._aborting.is_set():
                return None
            if item.kind == "host":
                out = self.run_host(item)
            elif item.kind == "selftest":
                out = self.run_selftest(item)
            elif item.kind == "expect":
                out = self.run_expect(item)
            else:
                out = self.run_emu(item)
        except KeyboardInterrupt:
            return None
        except Exception as e:  # one broken test must not take the whole run down
            out = Outcome(item)
            out.verdict = verdict.Verdict("ERROR", "harness error: %s: %s" % (type(e).__name__, e))
        if machine._aborting.is_set():
            return None          # killed by Ctrl-C: no verdict
        with self.lock:
            self.running.pop(item.label, None)
            self.done += 1
            self.report(out)
        return out

    # ---------------------------------------------------------- output

    def progress(self):
        if not self.tty:
            return
        with self.lock:
            now = time.monotonic()
            names = sorted(self.running, key=lambda n: self.running[n])
            shown = ", ".join("%s %.0fs" % (n, now - self.running[n]) for n in names[:3])
            line = "[%d/%d %.0fs] %s" % (self.done, self.total, now - self.t0, shown)
            sys.stdout.write("\r\033[K" + line[:150])
            sys.stdout.flush()

    def report(self, out):
        v = out.verdict
        it = out.item
        if self.tty:
            sys.stdout.write("\r\033[K")
        line = "%-7s %s (%.1f s)" % (v.status, it.label, out.wall)
        if v.status != "PASS":
            line += ": " + v.reason
        print(line)
        if v.status != "PASS":
            details = v.details
            if len(details) > 80 and not self.args.verbose:
                details = details[:80] + ["... (%d more lines; see %s)" % (
                    len(details) - 80, os.path.relpath(self.result_path(it, ".json"), ROOT))]
            for d in details:
                print("    " + d)
            print("    rerun: " + self.rerun_command(it))
            if out.command:
                print("    alone: " + out.command)
        sys.stdout.flush()

    def result_path(self, item, ext):
        suffix = ".seed%d" % item.seed if item.seed else ""
        return os.path.join(self.args.results, item.id + suffix + ext)

    def save(self, out):
        it = out.item
        v = out.verdict
        path = self.result_path(it, ".json")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if out.console:
            with open(self.result_path(it, ".console"), "wb") as f:
                f.write(out.console)
        data = {"test": it.id, "seed": it.seed, "ips": self.ips or DEFAULT_IPS,
                "emulator": self.emulator, "verdict": v.status, "reason": v.reason,
                "details": v.details, "notes": v.notes, "wall_seconds": round(out.wall, 3),
                "emulated_ticks_limit_used": out.ticks, "stats": v.stats, "faults": v.faults,
                "rerun": self.rerun_command(it), "command": out.command}
        with open(path, "w") as f:
            json.dump(data, f, indent=1, sort_keys=True)
            f.write("\n")
        return data

    # ---------------------------------------------------------- all

    def run_all(self, items):
        self.total = len(items)
        self.t0 = time.monotonic()
        order = self.schedule(items)
        outcomes = []
        stop_ticker = threading.Event()

        def ticker():
            while not stop_ticker.wait(1.0):
                self.progress()
        tick = threading.Thread(target=ticker, daemon=True)
        tick.start()
        pool = ThreadPoolExecutor(max_workers=self.jobs)
        try:
            futures = [pool.submit(self.run_item, it) for it in order]
            for f in futures:
                while True:
                    try:
                        r = f.result(timeout=0.2)
                        break
                    except FutureTimeout:
                        continue
                    except Exception:
                        r = None
                        break
                if r is not None:
                    outcomes.append(r)
        except KeyboardInterrupt:
            machine.abort_all()
            stop_ticker.set()
            pool.shutdown(wait=True, cancel_futures=True)
            machine.abort_all()
            raise
        stop_ticker.set()
        pool.shutdown(wait=True)
        if self.tty:
            sys.stdout.write("\r\033[K")
        index = {id(it): i for i, it in enumerate(items)}
        outcomes.sort(key=lambda o: index[id(o.item)])
        return outcomes

    def schedule(self, items):
        """Longest first, by the previous run's wall times when known (a shorter total)."""
        prev = {}
        try:
            with open(os.path.join(self.args.results, "summary.json")) as f:
                for r in json.load(f).get("results", []):
                    prev[(r["test"], r.get("seed", 0))] = r.get("wall_seconds", 0)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
        def cost(it):
            if (it.id, it.seed) in prev:
                return prev[(it.id, it.seed)]
            return {"host": 1.0, "selftest": 1.0}.get(it.kind, 3.0)
        return sorted(items, key=lambda it: -cost(it))

    def write_summary(self, outcomes, records, wall):
        counts = {"passed": 0, "failed": 0, "skipped": 0}
        for o in outcomes:
            counts["passed" if o.verdict.status == "PASS" else
                   "skipped" if o.verdict.status == "SKIP" else "failed"] += 1
        summary = dict(counts, total=len(outcomes), wall_seconds=round(wall, 2), jobs=self.jobs,
                       ips=self.ips or DEFAULT_IPS, emulator=self.emulator, repeat=self.args.repeat,
                       shard=self.args.shard, results=[
                           {"test": r["test"], "seed": r["seed"], "verdict": r["verdict"],
                            "reason": r["reason"], "wall_seconds": r["wall_seconds"]} for r in records])
        os.makedirs(self.args.results, exist_ok=True)
        with open(os.path.join(self.args.results, "summary.json"), "w") as f:
            json.dump(summary, f, indent=1, sort_keys=True)
            f.write("\n")
        write_junit(os.path.join(self.args.results, "junit.xml"), outcomes, wall)
        return counts


def write_junit(path, outcomes, wall):
    """JUnit XML: one <testsuite> per suite, one <testcase> per test (and seed)."""
    suites = {}
    for o in outcomes:
        suites.setdefault(o.item.id.split("/", 1)[0], []).append(o)
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    nfail = sum(1 for o in outcomes if o.verdict.status in ("FAIL", "CRASH", "TIMEOUT"))
    nerr = sum(1 for o in outcomes if o.verdict.status == "ERROR")
    out.append('<testsuites name="kestrel" tests="%d" failures="%d" errors="%d" time="%.3f">'
               % (len(outcomes), nfail, nerr, wall))
    for suite in sorted(suites):
        os_ = suites[suite]
        f = sum(1 for o in os_ if o.verdict.status in ("FAIL", "CRASH", "TIMEOUT"))
        e = sum(1 for o in os_ if o.verdict.status == "ERROR")
        s = sum(1 for o in os_ if o.verdict.status == "SKIP")
        out.append('  <testsuite name=%s tests="%d" failures="%d" errors="%d" skipped="%d" time="%.3f">'
                   % (quoteattr(suite), len(os_), f, e, s, sum(o.wall for o in os_)))
        for o in os_:
            name = o.item.id.split("/", 1)[1] + (" seed=%d" % o.item.seed if o.item.seed else "")
            out.append('    <testcase classname=%s name=%s time="%.3f">'
                       % (quoteattr(suite), quoteattr(name), o.wall))
            v = o.verdict
            body = "\n".join(v.details)
            if v.status in ("FAIL", "CRASH", "TIMEOUT"):
                out.append('      <failure type=%s message=%s>%s</failure>'
                           % (quoteattr(v.status), quoteattr(v.reason), escape(clean_xml(body))))
            elif v.status == "ERROR":
                out.append('      <error message=%s>%s</error>' % (quoteattr(v.reason), escape(clean_xml(body))))
            elif v.status == "SKIP":
                out.append('      <skipped message=%s/>' % quoteattr(v.reason))
            if o.console and v.status != "PASS":
                out.append('      <system-out>%s</system-out>'
                           % escape(clean_xml(o.console.decode("utf-8", "replace")[-20000:])))
            out.append('    </testcase>')
        out.append('  </testsuite>')
    out.append('</testsuites>')
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")


def clean_xml(text):
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "?", text)


def summary_line(counts):
    line = "%d passed, %d failed" % (counts["passed"], counts["failed"])
    if counts["skipped"]:
        line += ", %d skipped" % counts["skipped"]
    return line


# ------------------------------------------------------------------ commands

def cmd_run(args, items):
    runner = Runner(args)
    if not items:
        raise HarnessError("no tests selected")
    if any(it.kind == "emu" for it in items):
        machine.check_emulator(runner.emulator)
        if not os.path.exists(os.path.join(BUILD, "boot.img")):
            raise HarnessError("build/boot.img does not exist (run make first)")
    desc = "%d tests" % len(items)
    if args.seeds:
        desc += ", seeds %s" % args.seeds
    if args.ips:
        desc += ", ips %d" % args.ips
    if args.repeat > 1:
        desc += ", each %d times" % args.repeat
    if args.shard:
        desc += ", shard %s" % args.shard
    print("Running %s on %s with -j%d" % (desc, runner.emulator, runner.jobs))
    sys.stdout.flush()
    t0 = time.monotonic()
    outcomes = runner.run_all(items)
    wall = time.monotonic() - t0
    records = [runner.save(o) for o in outcomes]
    counts = runner.write_summary(outcomes, records, wall)
    return runner, outcomes, records, counts, wall


def finish(outcomes, counts, wall, runner):
    failed = [o for o in outcomes if o.verdict.status not in ("PASS", "SKIP")]
    missing = [o.item.id for o in outcomes if "no fault baseline" in o.verdict.notes]
    if missing:
        print("note: %d tests have no page-fault baseline yet (make accept TESTS=...): %s"
              % (len(missing), " ".join(missing[:8]) + (" ..." if len(missing) > 8 else "")))
    if failed:
        print("Failures (rerun one alone with the command shown):")
        for o in failed:
            print("  %-7s %s: %s" % (o.verdict.status, o.item.label, o.verdict.reason))
            print("          %s" % runner.rerun_command(o.item))
    print("Wall time %.1f s with -j%d; results in %s" % (wall, runner.jobs, os.path.relpath(
        os.path.join(runner.args.results, "summary.json"), ROOT)))
    print(summary_line(counts))
    return 1 if counts["failed"] else 0


def cmd_accept(args, items):
    """Runs the tests at the default seed and writes their .faults baselines (and, with
    --with-output, a missing expected .out from the actual output)."""
    items = [it for it in items if it.kind == "emu"]
    runner, outcomes, records, counts, wall = cmd_run(args, items)
    status = 0
    for o in outcomes:
        t = o.item.test
        v = o.verdict
        if not v.stats:
            print("accept: %s: no statistics (%s: %s); baseline not written" % (t.id, v.status, v.reason))
            status = 1
            continue
        if args.with_output and not t.expected_files(args.expected):
            lines, problem = verdict.extract_action(o.console.decode("utf-8", "replace").splitlines(), t.cmdline)
            if not problem:
                p = os.path.join(args.expected, t.suite, t.name + ".out")
                os.makedirs(os.path.dirname(p), exist_ok=True)
                with open(p, "w") as f:
                    f.write("\n".join(lines) + ("\n" if lines else ""))
                print("accept: wrote %s (review it!)" % os.path.relpath(p, ROOT))
        if v.status not in ("PASS",) and not v.reason.startswith("page faults changed"):
            print("accept: %s: %s: %s; baseline written anyway, the test still fails" % (t.id, v.status, v.reason))
        path = t.faults_file(args.expected)
        old = verdict.read_faults(path) if os.path.exists(path) else None
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(verdict.format_faults(t.id, v.faults, v.stats))
        change = "new" if old is None else ", ".join(
            "%s %d -> %d" % (k, old.get(k, 0), n) for k, n in v.faults.items() if old.get(k, 0) != n) or "unchanged"
        print("accept: %s: %s" % (os.path.relpath(path, ROOT), change))
    return status


def cmd_bench(args, items):
    """Runs the tests and compares ticks and cycles with the accepted baselines (never fails on them)."""
    items = [it for it in items if it.kind == "emu"]
    runner, outcomes, records, counts, wall = cmd_run(args, items)
    rows = []
    for o in outcomes:
        t = o.item.test
        path = t.faults_file(args.expected)
        base = verdict.read_faults(path) if os.path.exists(path) else {}
        row = [o.item.label]
        values = verdict.bench_values(o.verdict.stats)
        for k in verdict.BENCH_KEYS:
            now = values.get(k)
            was = base.get(k)
            if now is None:
                row += ["-", "-", ""]
            elif was is None:
                row += ["-", str(now), "new"]
            else:
                pct = (now - was) * 100.0 / was if was else 0.0
                row += [str(was), str(now), "%+.1f%%" % pct]
        rows.append(row)
    head = ["test", "ticks accepted", "ticks now", "change", "cycles accepted", "cycles now", "change"]
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    with open(os.path.join(args.results, "bench-compare.json"), "w") as f:
        json.dump([dict(zip(head, r)) for r in rows], f, indent=1)
    return finish(outcomes, counts, wall, runner)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    signal.signal(signal.SIGTERM, lambda s, f: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        args = make_parser().parse_args(argv)
        if args.jobs is not None and args.jobs < 1:
            raise HarnessError("-j takes a number of jobs >= 1")
        if args.repeat < 1:
            raise HarnessError("REPEAT must be at least 1")
        if args.ips is not None and args.ips < 1000:
            raise HarnessError("IPS must be at least 1000")
        if args.fail_inject and not FAIL_INJECT_RE.match(args.fail_inject):
            raise HarnessError("bad FAIL_INJECT %r: SITES:every=N[:seed=S] or SITES:permille=N[:seed=S],"
                               " SITES = all or kpage+frame+malloc+dread+dwrite" % args.fail_inject)
        items = select_items(args)
        if args.command == "list":
            for it in items:
                print(it.label)
            return 0
        if args.command == "accept":
            return cmd_accept(args, items)
        if args.command == "bench":
            return cmd_bench(args, items)
        if args.command == "grade":
            from harness import grade
            return grade.cmd_grade(args, items)
        runner, outcomes, records, counts, wall = cmd_run(args, items)
        return finish(outcomes, counts, wall, runner)
    except HarnessError as e:
        die("harness", e)
    except KeyboardInterrupt:
        machine.abort_all()
        sys.stdout.write("\nharness: interrupted; every emulator stopped, temporary files removed\n")
        return 130
