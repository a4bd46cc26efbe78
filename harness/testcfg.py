"""Test declarations: src/tests/<suite>/tests.cfg (format in docs/design.md, Tests)."""
import configparser
import fnmatch
import glob
import os
import shlex

from harness import verdict
from harness.common import (BUILD, DEFAULT_MEM_MB, DEFAULT_QUIET, DEFAULT_TIMEOUT, EXPECTED,
                            HarnessError, ROOT, TESTS_SRC, nearest)

KNOWN_KEYS = {"kind", "cmdline", "files", "mem", "swap", "scratch", "fs_disk", "timeout",
              "quiet", "ignore_exit", "kernel_args", "points", "group", "helper", "bench",
              "check_faults", "stats_max", "faults_band"}
_warned = set()


def parse_faults_band(text, where):
    """faults_band = KIND:FACTOR ...: {kind: factor}. KIND is a page-fault kind of the .faults
    file (total, file, zero-fill, stack, swap-in, write-protect, invalid) whose count follows
    the interleaving of processes; its count may then lie up to FACTOR times above or below
    the baseline. A FACTOR must be above 1 and below 2, so that a count 2x off (or half)
    still fails. HarnessError naming WHERE for anything else."""
    kinds = [k for _, k in verdict.FAULT_KEYS]
    band = {}
    for item in text.split():
        kind, sep, value = item.partition(":")
        try:
            factor = float(value) if sep else None
        except ValueError:
            factor = None
        if kind not in kinds or factor is None:
            raise HarnessError("%s faults_band takes KIND:FACTOR words with KIND one of %s, not %r"
                               % (where, " ".join(kinds), item))
        if not 1 < factor < 2:
            raise HarnessError("%s faults_band %s: the factor must be above 1 and below 2, so that "
                               "a count 2x off still fails" % (where, item))
        band[kind] = factor
    return band


class Test:
    """One declared test (not a helper program)."""

    def __init__(self, suite, name, sec, cfg_path):
        self.suite = suite
        self.name = name
        self.id = "%s/%s" % (suite, name)
        self.cfg_path = cfg_path

        def get(key, default):
            return sec.get(key, fallback=default)

        def num(key, default, conv=float):
            raw = sec.get(key, fallback=None)
            if raw is None or raw.strip() == "":
                return default
            try:
                return conv(raw)
            except ValueError:
                raise HarnessError("%s: [%s] %s = %r is not a number" % (cfg_path, name, key, raw))

        def flag(key, default):
            try:
                return sec.getboolean(key, fallback=default)
            except ValueError:
                raise HarnessError("%s: [%s] %s must be yes or no" % (cfg_path, name, key))

        self.kind = get("kind", "user").strip()
        if self.kind not in ("user", "kernel"):
            raise HarnessError("%s: [%s] kind must be user or kernel, not %r" % (cfg_path, name, self.kind))
        self.cmdline = " ".join(get("cmdline", name).split()) if self.kind == "kernel" else get("cmdline", name).strip()
        if not self.cmdline:
            self.cmdline = name
        program = self.cmdline.split()[0]
        files = get("files", "" if self.kind == "kernel" else program).split()
        self.files = files
        self.mem = num("mem", DEFAULT_MEM_MB)
        self.swap = num("swap", 0)
        self.scratch = num("scratch", 0)
        self.fs_disk = num("fs_disk", None)
        self.timeout = num("timeout", DEFAULT_TIMEOUT)
        self.quiet = num("quiet", min(DEFAULT_QUIET, self.timeout))
        self.ignore_exit = flag("ignore_exit", False)
        self.check_faults = flag("check_faults", True)
        try:
            self.kernel_args = shlex.split(get("kernel_args", ""))
        except ValueError as e:
            raise HarnessError("%s: [%s] kernel_args: %s" % (cfg_path, name, e))
        self.points = num("points", 1)
        self.group = get("group", "functionality").strip() or "functionality"
        self.bench = flag("bench", False)
        self.faults_band = parse_faults_band(get("faults_band", ""), "%s: [%s]" % (cfg_path, name))
        # stats_max = KEY:MAX ...: the run fails if STATS has KEY above MAX (or lacks it).
        self.stats_max = {}
        for item in get("stats_max", "").split():
            key, sep, value = item.partition(":")
            if not sep or not value.isdigit():
                raise HarnessError("%s: [%s] stats_max takes KEY:MAX words, not %r" % (cfg_path, name, item))
            self.stats_max[key] = int(value)

    def host_file(self, name):
        """Host path of a file the test puts on the fs disk (a built program or a data file)."""
        for cand in (os.path.join(BUILD, "tests", self.suite, name),
                     os.path.join(BUILD, "programs", name),
                     os.path.join(TESTS_SRC, self.suite, name),
                     os.path.join(ROOT, name)):
            if os.path.isfile(cand):
                return cand
        raise HarnessError("%s needs file %r, which is neither built (build/tests/%s/, "
                           "build/programs/) nor in src/tests/%s/" % (self.id, name, self.suite, self.suite))

    def put_files(self):
        return [(os.path.basename(f), self.host_file(f)) for f in self.files]

    def kernel_words(self, seed=0, ips=None, options=()):
        """Kernel command line: harness options (policies such as -evict=NAME first), the
        test's kernel_args, seed and ips, then `run CMDLINE` (one word, its spaces kept)."""
        words = ["-q"] + list(options) + list(self.kernel_args)
        if seed:
            words.append("-seed=%d" % seed)
        if ips:
            words.append("-ips=%d" % ips)
        return words + ["run", self.cmdline]

    def expected_files(self, expected_dir=EXPECTED):
        """The expected output and its alternatives, main file first."""
        base = os.path.join(expected_dir, self.suite, self.name)
        main = [base + ".out"] if os.path.exists(base + ".out") else []
        alts = sorted(glob.glob(glob.escape(base) + ".alt*.out"),
                      key=lambda p: (len(p), p))
        return main + alts

    def faults_file(self, expected_dir=EXPECTED):
        return os.path.join(expected_dir, self.suite, self.name + ".faults")

    def pintos_command(self, seed=0, ips=None, emulator="bochs", options=()):
        """The tools/pintos command that runs this test alone (for failure reports)."""
        from harness.options import pintos_args
        parts = ["tools/pintos"] + pintos_args({"emulator": emulator})
        if self.mem != DEFAULT_MEM_MB:
            parts += ["-m", "%g" % self.mem]
        if self.swap:
            parts.append("--swap-disk=%g" % self.swap)
        if self.scratch:
            parts.append("--scratch-disk=%g" % self.scratch)
        if self.fs_disk:
            parts.append("--fs-disk=%g" % self.fs_disk)
        if seed:
            parts += ["-j", str(seed)]
        parts += pintos_args({"ips": ips})
        if self.timeout != DEFAULT_TIMEOUT:
            parts += ["-T", "%g" % self.timeout]
        for f in self.files:
            try:
                host = os.path.relpath(self.host_file(f), ROOT)
            except HarnessError:
                host = f
            parts += ["-p", host if os.path.basename(host) == f else "%s:%s" % (host, f)]
        parts.append("--")
        parts += ["-q"] + list(options) + list(self.kernel_args) + ["run", self.cmdline]
        return " ".join(shlex.quote(p) for p in parts)


def _read_cfg(path):
    cp = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";",),
                                   comment_prefixes=("#", ";"), strict=True)
    cp.optionxform = str
    try:
        with open(path) as f:
            cp.read_file(f)
    except (OSError, configparser.Error) as e:
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise HarnessError("%s: %s" % (os.path.relpath(path, ROOT), msg))
    return cp


def load_tests(root=TESTS_SRC):
    """Every declared test, sorted by id. Helper programs (helper = yes) are left out."""
    tests = []
    for path in sorted(glob.glob(os.path.join(root, "*", "tests.cfg"))):
        suite = os.path.basename(os.path.dirname(path))
        cp = _read_cfg(path)
        relp = os.path.relpath(path, ROOT)
        for name in cp.sections():
            sec = cp[name]
            unknown = set(sec.keys()) - KNOWN_KEYS
            for key in sorted(unknown):
                if (relp, key) not in _warned:
                    _warned.add((relp, key))
                    hint = nearest(key, sorted(KNOWN_KEYS), 1)
                    import sys
                    sys.stderr.write("warning: %s: unknown key %r%s (ignored)\n"
                                     % (relp, key, " (did you mean %r?)" % hint[0] if hint else ""))
            try:
                helper = sec.getboolean("helper", fallback=False)
            except ValueError:
                raise HarnessError("%s: [%s] helper must be yes or no" % (relp, name))
            if helper:
                continue
            tests.append(Test(suite, name, sec, relp))
    tests.sort(key=lambda t: t.id)
    return tests


def select(tests, patterns):
    """Tests matching any of the patterns (globs on suite/name, or on the bare name).

    An unknown name is an error that suggests the nearest names."""
    if not patterns:
        return list(tests)
    ids = [t.id for t in tests]
    chosen = set()
    for pat in patterns:
        pat = pat.strip().rstrip("/")
        if pat.startswith("src/tests/"):
            pat = pat[len("src/tests/"):]
        hits = [t.id for t in tests if fnmatch.fnmatchcase(t.id, pat)
                or fnmatch.fnmatchcase(t.name, pat) or t.suite == pat
                or fnmatch.fnmatchcase(t.id, pat + "/*")]
        if not hits:
            near = nearest(pat, ids)
            raise HarnessError("no test matches %r%s" % (
                pat, "; did you mean %s?" % ", ".join(near) if near else ""))
        chosen.update(hits)
    return [t for t in tests if t.id in chosen]
