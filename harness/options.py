"""The one table of run options: make variable, harness flag, kernel option, valid values.

Every knob of a run is one Option row. The rows are read by:
  harness.mk      passes no variables: `python3 -m harness COMMAND --make` reads the make
                  variables from its environment (make exports those of its command line);
  runner.py       the argparse flags of `python3 -m harness` and their checks (check_values);
  running.py      RunConfig.kernel_options() and make_args() (the kernel words and the make
                  variables of a rerun line);
  testcfg.py      Test.pintos_command() (the launcher options of an `alone:` line);
  `make help`     the one-line description of every variable and target.
A value outside an option's choices is one line naming the valid ones, before anything runs.
"""
import os
import re
import sys

from harness.common import ROOT, HarnessError, nearest


def _kernel_words(path, pattern):
    """The '|'-separated words that pattern's group 1 finds in a kernel source file, or
    None when the file or the pattern is not there (a kernel that moved them: no check)."""
    try:
        with open(os.path.join(ROOT, path)) as f:
            m = re.search(pattern, f.read())
    except OSError:
        return None
    return m.group(1).split("|") if m else None


def evict_choices():
    """The eviction policies of the kernel in this tree (vm_policy_names() in src/vm/policy.c)."""
    return _kernel_words("src/vm/policy.c", r'vm_policy_names\(void\)\s*\{\s*return\s+"([A-Za-z0-9_|.-]+)"')


def fork_choices():
    """The fork strategies of the kernel in this tree (its Unknown option message in init.c)."""
    return _kernel_words("src/main/init.c", r'-fork=([A-Za-z0-9_|.-]+)')


# Kernel option -fail=SPEC (src/threads/failinject.h).
FAIL_SITES = "kpage|frame|malloc|dread|dwrite"
FAIL_INJECT_RE = re.compile(r"^(all|(%s)(\+(%s))*):(every=[1-9][0-9]*|permille=([0-9]{1,3}))(:seed=[0-9]+)?$"
                            % (FAIL_SITES, FAIL_SITES))


class Option:
    """One run option.

    make: make variable; dest: attribute of the harness's parsed arguments; flag: harness
    flag (None: make-only, handled by harness.mk); choices: list, or a function returning
    the list (None: any value); check: f(text) -> error or None; kernel: format of the
    kernel word ('-evict=%s'), for RunConfig; rerun: True when a rerun line repeats it;
    pintos: launcher words for the value (f(value) -> list); help: one line for make help."""

    def __init__(self, make, dest, flag, help, choices=None, check=None, kernel=None, rerun=False,
                 pintos=None, default=None, boolean=False, targets=("check",)):
        self.make = make
        self.dest = dest
        self.flag = flag
        self.help = help
        self._choices = choices
        self.check = check
        self.kernel = kernel
        self.rerun = rerun
        self.pintos = pintos
        self.default = default
        self.boolean = boolean
        self.targets = targets

    def choices(self):
        c = self._choices
        return c() if callable(c) else c

    def validate(self, value):
        """HarnessError (one line, naming the valid values) when value is not allowed."""
        if value is None or value == "" or value is False:
            return
        choices = self.choices()
        if choices and str(value) not in choices:
            near = nearest(str(value), choices, 1)
            raise HarnessError("%s=%s is not a valid value%s; valid: %s" % (
                self.make, value, " (did you mean %s?)" % near[0] if near else "", " ".join(choices)))
        if self.check:
            problem = self.check(str(value))
            if problem:
                raise HarnessError("%s=%s: %s" % (self.make, value, problem))


def _int_at_least(low, what):
    def check(text):
        if not re.fullmatch(r"[0-9]+", text) or int(text) < low:
            return "%s must be a whole number >= %d" % (what, low)
        return None
    return check


def _fail_spec(text):
    if not FAIL_INJECT_RE.match(text):
        return ("SITES:every=N[:seed=S] or SITES:permille=N[:seed=S], SITES = all or "
                + "+".join(FAIL_SITES.split("|")))
    return None


ALL = ("check", "grade", "bench", "accept", "list", "unit", "fuzz", "interleavings")

# The table. Order is the order of `make help`.
OPTIONS = [
    Option("TESTS", "tests", "--tests", "space-separated globs on suite/name, suite names or bare names"
           " (default: every test)", default="", targets=ALL),
    Option("SEEDS", "seeds", "--seeds", "timer perturbation seeds, e.g. 1-20 or 3,5,9 (kernel -seed=N per run)",
           default="", targets=ALL),
    Option("IPS", "ips", "--ips", "Bochs instructions per emulated second (kernel -ips=N); at least 1000000 (QEMU: 1000)",
           check=_int_at_least(1000, "IPS"), rerun=True, pintos=lambda v: ["--ips", str(v)]),
    Option("REPEAT", "repeat", "--repeat", "run every test N times; any console difference fails",
           check=_int_at_least(1, "REPEAT"), rerun=True, default=1),
    Option("SHARD", "shard", "--shard", "run only slice K of N (K/N), for CI matrices and job arrays",
           targets=ALL),
    Option("JOBS", "jobs", "-j", "parallel runs (default: make -jN, else the number of cores)",
           check=_int_at_least(1, "JOBS"), targets=ALL),
    Option("EMU", "emulator", "--emu", "emulator: bochs (the reference) or qemu (fast, not repeatable)",
           choices=["bochs", "qemu"], rerun=True, default="bochs",
           pintos=lambda v: ["--qemu"] if v == "qemu" else [], targets=ALL),
    Option("EVICT", "evict", "--evict", "kernel eviction policy (kernel -evict=NAME)",
           choices=evict_choices, kernel="-evict=%s", rerun=True, targets=ALL),
    Option("FORK", "fork", "--fork", "kernel fork strategy (kernel -fork=NAME)",
           choices=fork_choices, kernel="-fork=%s", rerun=True, targets=ALL),
    Option("FAIL_INJECT", "fail_inject", "--fail-inject", "deterministic fault injection (kernel -fail=SPEC):"
           " SITES:every=N[:seed=S]", check=_fail_spec, kernel="-fail=%s", rerun=True, default=""),
    Option("FAULTS", "faults", "--faults", "page-fault baselines: check (fail on a change), report, off",
           choices=["check", "report", "off"]),
    Option("EXPECTED", "expected", "--expected", "directory of expected outputs and baselines (default expected/)"),
    Option("RESULTS", "results", "--results", "results directory (default build/results)"),
    Option("RUBRIC", "rubric", "--rubric", "grading rubric (default expected/rubric.cfg)", targets=("grade",)),
    Option("RERUN", "rerun", "--rerun", "make grade: run the tests again instead of grading the results"
           " make check wrote", boolean=True, targets=("grade",)),
    Option("SUMMARY", "summary", "--summary", "also print the results as pintos (`pass tests/x/y`) or tap",
           choices=["pintos", "tap"]),
    Option("OUTPUT", "with_output", "--with-output", "make accept: also write a missing expected .out",
           boolean=True, targets=("accept",)),
    Option("V", "verbose", "--verbose", "do not shorten long diffs", boolean=True),
    Option("TRACE", "trace", "--trace", "capture each test's VM trace (Bochs) as RESULTS/SUITE/NAME.trace",
           boolean=True),
    Option("VIEW", "view", "--view", "TRACE=1, and a VM page RESULTS/SUITE/NAME.html per test", boolean=True),
    Option("CMDLINE", None, None, "make run/debug: the kernel command line (default: run shell)",
           targets=("run",)),
    Option("PINTOS_ARGS", None, None, "make run/debug: more tools/pintos options", targets=("run",)),
    Option("FUZZ_CHILDREN", None, None, "make fuzz: children per seed (default 400)",
           check=_int_at_least(1, "FUZZ_CHILDREN"), targets=("fuzz",)),
    Option("FUZZ_CALLS", None, None, "make fuzz: calls per child (default 200)",
           check=_int_at_least(1, "FUZZ_CALLS"), targets=("fuzz",)),
]
BY_MAKE = {o.make: o for o in OPTIONS}
BY_DEST = {o.dest: o for o in OPTIONS if o.dest}

# Every make target of harness.mk and the Makefile, one line each (make help).
TARGETS = [
    ("all (make)", "build the kernel, the boot disk build/boot.img and every user program"),
    ("run", "boot the shell under Bochs on this terminal (CMDLINE=..., PINTOS_ARGS=...)"),
    ("run-qemu", "the same under QEMU"),
    ("debug", "make run under QEMU with its gdb stub waiting (docs/debugging.md)"),
    ("debug-bochs", "make run under Bochs's built-in debugger"),
    ("check", "run the selected tests; last line `N passed, N failed`"),
    ("list", "print the tests a selection would run, without running them"),
    ("grade", "score the results make check wrote with the rubric (RERUN=1: run again)"),
    ("grade-pintos", "KERNEL=<tree>/<project>/build [TREE=<pristine tree>]: grade a Pintos-KAIST kernel (docs/grading-pintos.md)"),
    ("accept", "record page-fault (and bench) baselines of TESTS=...; OUTPUT=1 writes a missing .out"),
    ("bench", "VM workloads and the ticks/cycles of tests against their accepted baselines"),
    ("notrace", "build/notrace/boot.img: the kernel with the VM trace hooks compiled out (make bench's trace cost)"),
    ("baseline", "build/baseline/boot.img: the kernel before issue 19, from git (BASELINE_REV), for make bench's disk tables"),
    ("unit", "host-side unit tests only"),
    ("fuzz", "long system-call fuzzer runs (SEEDS=1-100, QEMU unless EMU=bochs)"),
    ("interleavings", "distinct console interleavings of multi-process tests over seeds"),
    ("harness-test", "the harness's and tools' own tests"),
    ("view", "TEST=suite/name: run it with the VM trace, write its page build/results/SUITE/NAME.html"),
    ("compare", "OLD=DIR NEW=DIR [COMPARE_ARGS=...]: two results directories test by test, as Markdown"),
    ("profile", "TEST=suite/name [EVERY=n]: where its emulated instructions go, a sample per n, by function"),
    ("build/tests/SUITE/NAME.result", "run one test; writes NAME.output and NAME.result as Pintos does"),
    ("help", "this list"),
    ("clean", "remove build/"),
]


def kernel_options(values):
    """Kernel words for the options in values ({dest: value}), in table order."""
    return [o.kernel % values[o.dest] for o in OPTIONS if o.kernel and values.get(o.dest)]


def make_args(values):
    """The make variables that reproduce the rerun options in values ({dest: value})."""
    out = []
    for o in OPTIONS:
        v = values.get(o.dest)
        if o.rerun and v not in (None, "", False) and v != o.default:
            out.append("%s=%s" % (o.make, v))
    return out


def pintos_args(values):
    """tools/pintos options for the options in values ({dest: value})."""
    out = []
    for o in OPTIONS:
        v = values.get(o.dest)
        if o.pintos and v not in (None, "", False):
            out += o.pintos(v)
    return out


def validate(values, target="check"):
    """Checks every option in values ({dest or make name: value}); HarnessError on the first bad one."""
    for key, value in values.items():
        o = BY_DEST.get(key) or BY_MAKE.get(key)
        if o:
            o.validate(value)


def command_line_vars():
    """{NAME: value} of the variables set on make's command line (make passes them to its
    recipes in MAKEFLAGS after ' -- ')."""
    flags = os.environ.get("MAKEFLAGS", "")
    _, sep, tail = flags.partition(" -- ")
    if not sep:
        if flags.startswith("-- "):
            tail = flags[3:]
        else:
            return {}
    out = {}
    for word in re.findall(r"(?:\\.|[^ ])+", tail):
        name, eq, value = word.partition("=")
        if eq and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            out[name] = re.sub(r"\\(.)", r"\1", value)
    return out


def check_variable_names(variables):
    """HarnessError for a command-line variable that looks like a misspelt option
    (TEST=... for TESTS=...): it would otherwise be silently ignored."""
    known = set(BY_MAKE)
    for name in sorted(variables):
        if name in known or not name.isupper():
            continue
        near = nearest(name, sorted(known), 1)
        if near:
            raise HarnessError("make variable %s is not one the harness knows; did you mean %s? (make help lists them)"
                               % (name, near[0]))


def make_values(env=None):
    """{dest: text} of the harness options whose make variables are set (non-empty) in env
    (default: this process's environment, which make fills with the variables of its command
    line), each validated first: HarnessError names the variable and its valid values."""
    if env is None:
        env = dict(os.environ)
        check_variable_names(command_line_vars())
    out = {}
    for o in OPTIONS:
        value = env.get(o.make, "")
        if value == "":
            continue
        o.validate(value)
        if o.dest:
            out[o.dest] = value
    return out


def help_text():
    """make help: every target and variable, one line each."""
    lines = ["Targets (make TARGET [VARIABLE=value ...]):"]
    w = max(len(t) for t, _ in TARGETS)
    lines += ["  %-*s  %s" % (w, t, h) for t, h in TARGETS]
    lines.append("Variables (a value outside the listed choices is an error before anything runs):")
    w = max(len(o.make) for o in OPTIONS)
    for o in OPTIONS:
        choices = o.choices() if o._choices else None
        extra = " [%s]" % "|".join(choices) if choices else ""
        lines.append("  %-*s  %s%s" % (w, o.make, o.help, extra))
    lines.append("Details: README.md and docs/harness.md.")
    return "\n".join(lines)


def main(argv):
    """python3 -m harness.options check | help: check validates the make variables in the
    environment (for targets that start other tools: fuzz, vmbench); help is make help."""
    from harness.common import die
    try:
        if argv[:1] == ["help"]:
            print(help_text())
            return 0
        if argv[:1] == ["check"]:
            make_values()
            return 0
        raise HarnessError("usage: python3 -m harness.options check|help")
    except HarnessError as e:
        die("harness", e)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
