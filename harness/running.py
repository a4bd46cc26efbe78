"""Running selected items, in parallel: emulated tests, host unit tests, scripts.

Public names other tools build on (make bench's harness/vmbench.py among them):
  RunConfig                  the knobs of a run (ips, emulator, evict, fork, repeat, ...)
  spec_for_test(test, seed, config)   -> machine.RunSpec: the machine make check boots
  run_test(test, seed, config)        -> machine.RunResult: boot it once
  verdict.parse_stats(text)           -> the STATS line as a dict
"""
import difflib
import json
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from harness import machine, options, verdict
from harness.backtrace import symbolize_log
from harness.common import BUILD, DEFAULT_IPS, EXPECTED, HarnessError, ROOT, rel
from harness.results import Outcome

HOST_CFLAGS = ["-std=gnu11", "-Isrc", "-DHOST_TEST", "-O1", "-g", "-Wall"]
UNIT_TIMEOUT = 120          # host seconds for one host unit test (native code, not emulated)
SCRIPT_TIMEOUT = 300        # host seconds for the self-test or an expect script


class Counted:
    """What run_counted gave: returncode, stdout (stderr joined), cpu (seconds)."""

    def __init__(self, returncode, stdout, cpu):
        self.returncode = returncode
        self.stdout = stdout
        self.cpu = cpu


def run_counted(argv, timeout):
    """Runs argv from the repository root with stdin from /dev/null, stdout and stderr
    captured together, like subprocess.run; a Counted whose cpu is the user and system
    seconds of the process and of the descendants it waited for (os.wait4), which make
    bench's floor adds up per item. subprocess.TimeoutExpired (the process killed) after
    timeout host seconds; OSError when argv[0] cannot be started."""
    p = subprocess.Popen(argv, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    chunks = []
    reader = threading.Thread(target=lambda: chunks.append(p.stdout.read()), daemon=True)
    reader.start()
    expired = threading.Event()

    def expire():
        expired.set()
        p.kill()
    timer = threading.Timer(timeout, expire)
    timer.daemon = True
    timer.start()
    try:
        _, status, usage = os.wait4(p.pid, 0)
    finally:
        timer.cancel()
    p.returncode = os.waitstatus_to_exitcode(status)
    reader.join(5.0)        # a descendant left running may hold the pipe open
    if not reader.is_alive():
        p.stdout.close()
    if expired.is_set():
        raise subprocess.TimeoutExpired(argv, timeout)
    return Counted(p.returncode, b"".join(chunks), usage.ru_utime + usage.ru_stime)


def host_build_current(exe, flags):
    """True when the host test program exe was built by gcc with flags and is newer than
    every file its dependency list (exe.d, gcc -MMD) names: make's rule, so a second
    make check does not compile the host tests again. Anything missing or unreadable
    means build it."""
    try:
        with open(exe + ".flags") as f:
            if f.read() != " ".join(flags) + "\n":
                return False
        with open(exe + ".d") as f:
            text = f.read().replace("\\\n", " ")
        built = os.stat(exe).st_mtime_ns
        deps = text.split(":", 1)[1].split()
        return bool(deps) and all(os.stat(os.path.join(ROOT, d)).st_mtime_ns <= built for d in deps)
    except (OSError, IndexError):
        return False


def record_host_flags(exe, flags):
    """Notes the flags exe was built with (None: the build failed, forget it)."""
    path = exe + ".flags"
    if flags is None:
        if os.path.exists(path):
            os.remove(path)
        return
    with open(path, "w") as f:
        f.write(" ".join(flags) + "\n")


class RunConfig:
    """What every emulated run of one harness command shares.

    ips: None for the default; emulator: bochs or qemu; evict, fork: kernel policy names
    passed as -evict=NAME, -fork=NAME (None: the kernel's default); repeat: runs per item;
    expected: the expected-output directory; faults: check | report | off."""

    def __init__(self, ips=None, emulator="bochs", evict=None, fork=None, repeat=1,
                 expected=None, faults="check", command="check", before_judge=None,
                 fail_inject=None, trace=False):
        self.ips = ips
        self.emulator = emulator
        self.evict = evict
        self.fork = fork
        self.repeat = repeat
        self.expected = expected
        self.faults = faults
        self.command = command
        self.before_judge = before_judge     # f(test, RunResult), called before each verdict
        self.fail_inject = fail_inject       # kernel -fail=SPEC: output may differ, no panic/leak
        self.trace = trace                   # TRACE=1: the VM trace (the kernel ring, Bochs only) into <test>.trace

    def values(self):
        """{dest: value} of the run options in harness/options.py's table."""
        return {"ips": self.ips, "emulator": self.emulator, "evict": self.evict, "fork": self.fork,
                "fail_inject": self.fail_inject, "repeat": self.repeat}

    def kernel_options(self):
        """Kernel options for the policies chosen (before the test's own): the table's
        kernel words (harness/options.py)."""
        return options.kernel_options(self.values())

    def fault_mode(self, seed):
        """Page-fault baselines hold for the reference machine only: Bochs, default seed,
        ips and policies. Elsewhere the counts are recorded but not compared."""
        if (seed or self.ips not in (None, DEFAULT_IPS) or self.emulator != "bochs"
                or self.evict or self.fork or self.fail_inject):
            return "off"
        return self.faults

    def make_args(self, seed=0):
        """The make variables that reproduce this configuration (for rerun lines)."""
        return ((["SEEDS=%d" % seed] if seed else []) + options.make_args(self.values())
                + (["TRACE=1"] if self.trace else []))


def spec_for_test(test, seed=0, config=None):
    """The machine.RunSpec that make check boots for test (a testcfg.Test) under seed."""
    config = config or RunConfig()
    return machine.RunSpec(test.kernel_words(seed, config.ips, config.kernel_options()),
                           mem=test.mem, ips=config.ips, put_files=test.put_files(),
                           fs_mb=test.fs_disk, swap_mb=test.swap, scratch_mb=test.scratch,
                           timeout=test.timeout, quiet=test.quiet, emulator=config.emulator,
                           trace=config.trace)


def run_test(test, seed=0, config=None):
    """Boots test once; returns its machine.RunResult (console, status, wall time)."""
    return machine.Machine(spec_for_test(test, seed, config)).run()


def repeat_difference(test, first, other, run, emulator):
    """None when RunResult other repeats first; else (reason, diff lines). Under Bochs the
    whole console must be byte-identical; QEMU guarantees no more than the output between
    the markers (docs/harness.md, QEMU), so only that is compared there."""
    a, b = first.text().splitlines(), other.text().splitlines()
    what = "console"
    if emulator == "qemu":
        a = verdict.extract_action(a, test.cmdline)[0] or []
        b = verdict.extract_action(b, test.cmdline)[0] or []
        what = "output between the markers (all QEMU repeats)"
    if a == b:
        return None
    diff = list(difflib.unified_diff(a, b, "run 1", "run %d" % run, lineterm="", n=2))
    return "not deterministic: the %s of run %d differs from run 1" % (what, run), diff


def default_jobs():
    """-j from make's MAKEFLAGS (make -j2 check), else the number of cores."""
    m = re.search(r"(?:^|\s)-j\s*(\d+)|--jobs[= ](\d+)", os.environ.get("MAKEFLAGS", ""))
    if m:
        return max(1, int(m.group(1) or m.group(2)))
    return os.cpu_count() or 1


def rerun_command(config, item):
    """The make command that reruns item alone with the same configuration."""
    cmd = config.command if config.command in ("check", "bench") else "check"
    return " ".join(["make", cmd, "TESTS=" + item.id] + config.make_args(item.seed))


class Runner:
    """Runs items on a pool of jobs threads; reporter(outcome) is called as each ends
    (under a lock), and reporter.progress(running, done, total) while they run."""

    def __init__(self, config, jobs, reporter):
        self.config = config
        self.jobs = jobs
        self.reporter = reporter
        self.lock = threading.Lock()
        self.running = {}
        self.done = 0
        self.total = 0

    def run_emu(self, item):
        """Boots item's test (repeat times; stops at the first non-PASS) and judges it."""
        t = item.test
        cfg = self.config
        out = Outcome(item)
        out.emulator = cfg.emulator
        runs = []
        for _ in range(max(1, cfg.repeat)):
            try:
                res = run_test(t, item.seed, cfg)
            except HarnessError as e:
                out.verdict = verdict.Verdict("ERROR", str(e))
                return out
            out.cpu += res.cpu or 0.0
            if cfg.before_judge:
                cfg.before_judge(t, res)
            v = verdict.judge(t, res, cfg.expected, cfg.fault_mode(item.seed), symbolize_log,
                              diff_ok=bool(cfg.fail_inject))
            runs.append((res, v))
            out.wall += res.wall
            if v.status != "PASS":
                break
        res, v = runs[-1]
        if len(runs) > 1 and v.status == "PASS":
            for i, (other, _) in enumerate(runs[1:], 2):
                problem = repeat_difference(t, runs[0][0], other, i, cfg.emulator)
                if problem:
                    v.fail("FAIL", problem[0], problem[1])
                    break
        out.verdict = v
        out.result = res
        out.ticks = res.ticks
        out.console = res.console
        out.command = t.pintos_command(item.seed, cfg.ips, cfg.emulator, cfg.kernel_options())
        return out

    def run_host(self, item):
        """Compiles and runs one host unit test natively; exit status 0 is a pass."""
        out = Outcome(item)
        exe = os.path.join(BUILD, "host", item.name)
        os.makedirs(os.path.dirname(exe), exist_ok=True)
        t0 = time.monotonic()
        src, rexe = os.path.relpath(item.source, ROOT), os.path.relpath(exe, ROOT)
        out.command = "gcc %s %s -o %s && %s" % (" ".join(HOST_CFLAGS), src, rexe, rexe)
        try:
            cc = Counted(0, b"", 0.0)
            if not host_build_current(exe, HOST_CFLAGS):
                cc = run_counted(["gcc"] + HOST_CFLAGS + ["-MMD", "-MF", exe + ".d", item.source,
                                                          "-o", exe], 300)
                record_host_flags(exe, HOST_CFLAGS if cc.returncode == 0 else None)
            out.cpu += cc.cpu
            if cc.returncode:
                v = verdict.Verdict("FAIL", "does not compile")
                v.details = cc.stdout.decode("utf-8", "replace").splitlines()[-30:]
            else:
                r = run_counted([exe], UNIT_TIMEOUT)
                out.cpu += r.cpu
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

    def run_script(self, item, argv, what, package, timeout=SCRIPT_TIMEOUT):
        """Runs argv from the repository root as one test: exit status 0 is a pass."""
        out = Outcome(item)
        t0 = time.monotonic()
        out.command = " ".join(argv)
        try:
            r = run_counted(argv, timeout)
            out.cpu = r.cpu
            out.console = r.stdout
            if r.returncode == 0:
                v = verdict.Verdict("PASS")
            else:
                v = verdict.Verdict("FAIL", "%s failed" % what)
                v.details = r.stdout.decode("utf-8", "replace").splitlines()[-40:]
        except subprocess.TimeoutExpired:
            v = verdict.Verdict("TIMEOUT", "%s still running after %d s" % (what, timeout))
        except OSError as e:
            v = verdict.Verdict("ERROR", "cannot run %s: %s (apt-get install -y %s)"
                                % (argv[0], e.strerror, package))
        out.wall = time.monotonic() - t0
        out.verdict = v
        return out

    def run_selftest(self, item):
        # test_offline, test_vmview, the fault bands and the src/vm header graph by default; the
        # Pintos-KAIST items name their module (they build two trees before they boot anything:
        # more time).
        modules = [item.source] if item.source else [
            "harness.tests.test_offline", "harness.tests.test_vmview", "harness.tests.test_fault_band",
            "harness.tests.test_vm_includes"]
        return self.run_script(item, [sys.executable, "-m", "unittest", "-q"] + modules,
                               "harness self-tests" + (" (%s)" % item.source if item.source else ""), "python3",
                               1800 if item.source and item.source.startswith("harness.tests.pk_") else SCRIPT_TIMEOUT)

    def run_expect(self, item):
        """An expect script gets the launcher options of this configuration (emulator,
        ips) as its arguments and passes them on to tools/pintos: EMU=qemu runs it under
        QEMU. Kernel policy options (EVICT, FORK) do not reach it."""
        extra = ["--qemu"] if self.config.emulator == "qemu" else []
        if self.config.ips:
            extra += ["--ips", str(self.config.ips)]
        out = self.run_script(item, ["expect", item.source] + extra, "expect script %s" % item.source,
                              "expect")
        out.emulator = self.config.emulator
        return out

    def run_item(self, item):
        """Runs one item of any kind on a pool thread and reports it; None when Ctrl-C
        stopped it (no verdict). A harness bug in one item is that item's ERROR."""
        with self.lock:
            self.running[item.label] = time.monotonic()
        self.show_progress()
        try:
            if machine._aborting.is_set():
                return None
            run = {"host": self.run_host, "selftest": self.run_selftest,
                   "expect": self.run_expect}.get(item.kind, self.run_emu)
            own = time.thread_time()
            out = run(item)
            out.harness_cpu = time.thread_time() - own
        except KeyboardInterrupt:
            return None
        except Exception as e:  # one broken test must not take the whole run down
            out = Outcome(item)
            out.verdict = verdict.Verdict("ERROR", "harness error: %s: %s" % (type(e).__name__, e))
        if machine._aborting.is_set():
            return None          # killed by Ctrl-C: no verdict
        out.rerun = rerun_command(self.config, item)
        with self.lock:
            self.running.pop(item.label, None)
            self.done += 1
            self.reporter.report(out)
        return out

    def show_progress(self):
        with self.lock:
            self.reporter.progress(dict(self.running), self.done, self.total)

    def run_all(self, items, previous=None):
        """Outcomes of every item, in the order of items (run longest first)."""
        self.total = len(items)
        outcomes = []
        stop_ticker = threading.Event()

        def ticker():
            while not stop_ticker.wait(1.0):
                self.show_progress()
        threading.Thread(target=ticker, daemon=True).start()
        pool = ThreadPoolExecutor(max_workers=self.jobs)
        try:
            futures = [pool.submit(self.run_item, it) for it in schedule(items, previous)]
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
        self.reporter.clear()
        index = {id(it): i for i, it in enumerate(items)}
        outcomes.sort(key=lambda o: index[id(o.item)])
        return outcomes


def previous_walls(results_dir):
    """{(test, seed): wall seconds} from the last summary.json in results_dir, if any."""
    prev = {}
    try:
        with open(os.path.join(results_dir, "summary.json")) as f:
            for r in json.load(f).get("results", []):
                prev[(r["test"], r.get("seed", 0))] = r.get("wall_seconds", 0)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return prev


def schedule(items, previous=None):
    """Longest first, by the previous run's wall times when known (a shorter total)."""
    prev = previous or {}

    def cost(it):
        if (it.id, it.seed) in prev:
            return prev[(it.id, it.seed)]
        return {"host": 1.0, "selftest": 1.0}.get(it.kind, 3.0)
    return sorted(items, key=lambda it: -cost(it))


class Session:
    """One harness command's run of its items: outcomes, records and counts, plus what
    the closing lines need."""

    def __init__(self, config, jobs, results_dir, outcomes, records, counts, wall):
        self.config = config
        self.jobs = jobs
        self.results_dir = results_dir
        self.outcomes = outcomes
        self.records = records
        self.counts = counts
        self.wall = wall


def config_from_args(args):
    """The RunConfig of a harness command line (see runner.make_parser)."""
    if args.qemu and (getattr(args, "trace", False) or getattr(args, "view", False)):
        raise HarnessError("TRACE=1 and VIEW=1 need Bochs: the VM trace is taken through its "
                           "debugger, which QEMU does not have")
    return RunConfig(ips=args.ips, emulator="qemu" if args.qemu else "bochs", evict=args.evict,
                     fork=args.fork, repeat=args.repeat, expected=args.expected,
                     faults=args.faults or "check", command=args.command,
                     fail_inject=getattr(args, "fail_inject", None) or None,
                     trace=bool(getattr(args, "trace", False) or getattr(args, "view", False)))


def run_info(args, config, selected=None):
    """The run description summary.json keeps: what `harness merge` checks shards agree
    on and what `make grade` checks before it grades these results instead of rerunning."""
    return {"ips": config.ips or DEFAULT_IPS, "emulator": config.emulator, "repeat": config.repeat,
            "shard": args.shard, "evict": config.evict, "fork": config.fork, "command": args.command,
            "seeds": args.seeds or None, "tests": args.tests or None,
            "fail_inject": config.fail_inject, "faults": config.faults,
            "expected": rel(os.path.abspath(config.expected or EXPECTED)), "selected": selected}


def run_selection(args, items, before_judge=None, selected=None):
    """Runs items as args say, prints their lines, writes the results files; a Session.
    before_judge(test, RunResult) runs after each emulated run, before its verdict.
    selected: the number of items of the whole selection (before the shard), recorded."""
    from harness.report import Reporter
    from harness.results import check_writable, save, write_summary
    check_writable(args.results)
    config = config_from_args(args)
    config.before_judge = before_judge
    jobs = args.jobs or default_jobs()
    if any(it.kind == "emu" for it in items):
        machine.check_emulator(config.emulator, config.ips)
        if not os.path.exists(os.path.join(BUILD, "boot.img")):
            raise HarnessError("build/boot.img does not exist (run make first)")
    machine.run_dir_base()
    desc = "%d test%s" % (len(items), "" if len(items) == 1 else "s")
    for flag, text in ((args.seeds, "seeds %s"), (args.ips, "ips %s"), (args.evict, "evict %s"),
                       (args.fork, "fork %s"), (args.shard, "shard %s")):
        if flag:
            desc += ", " + text % flag
    if args.repeat > 1:
        desc += ", each %d times" % args.repeat
    print("Running %s on %s with -j%d" % (desc, config.emulator, jobs))
    sys.stdout.flush()
    reporter = Reporter(args.results, args.verbose)
    t0 = time.monotonic()
    outcomes = Runner(config, jobs, reporter).run_all(items, previous_walls(args.results))
    wall = time.monotonic() - t0
    records = [save(args.results, o, config.ips) for o in outcomes]
    info = dict(run_info(args, config, selected), wall_seconds=round(wall, 2), jobs=jobs)
    counts = write_summary(args.results, outcomes, records, info)
    if getattr(args, "view", False):
        from harness.view import write_views
        write_views(args.results, outcomes)
    return Session(config, jobs, args.results, outcomes, records, counts, wall)
