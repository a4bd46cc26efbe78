"""make check / grade / accept / bench / unit / merge: the harness's command line.

usage: python3 -m harness COMMAND [OPTIONS]
  check    run tests; last line `N passed, N failed[, N skipped]`; exit 1 if any failed
  grade    run tests and score them with expected/rubric.cfg
  accept   run tests under the default seed and record their page-fault baselines
  bench    run tests and compare ticks and cycles with the accepted baselines
  unit     build and run the host unit tests (src/tests/host/*.c) only
  list     print the selected test ids
  merge    join shard results directories: merge DIR... --results OUT [--force]
  help     every make target and variable, one line each
  pintos   grade a Pintos-KAIST kernel (python3 -m harness pintos --help)
options: --tests 'PATTERNS' --seeds 1-20 --ips N --repeat N --shard K/N -j N --qemu
         --evict NAME --fork NAME --faults check|report --expected DIR --results DIR
         --fail-inject SPEC --rubric FILE --rerun --summary pintos|tap --no-unit --verbose
         --make (read these from the make variables in the environment: harness.mk)
The options, their make variables and valid values are one table: harness/options.py.

The jobs live in their own modules: selection (which items), running (running them),
report (what is printed), results (result files), accept, bench, grade, merge.
"""
import argparse
import os
import re
import signal
import sys

from harness import machine, options
from harness.common import EXPECTED, RESULTS, HarnessError, die
# Names older code imported from here.
from harness.results import Outcome, summary_line, write_junit  # noqa: F401
from harness.running import default_jobs  # noqa: F401
from harness.selection import Item, parse_seeds, parse_shard, select_items  # noqa: F401

COMMANDS = ["check", "grade", "accept", "bench", "unit", "list", "merge", "help"]
POLICY_RE = re.compile(r"[A-Za-z0-9_.-]+")


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise HarnessError(message)


def policy_name(text):
    if not POLICY_RE.fullmatch(text):
        raise argparse.ArgumentTypeError("a policy name is letters, digits, '_', '.', '-', not %r" % text)
    return text


def make_parser():
    p = Parser(prog="harness", add_help=True, allow_abbrev=False, description=__doc__.split("\n")[0])
    p.add_argument("command", choices=COMMANDS)
    p.add_argument("dirs", nargs="*", help="merge: the results directories of the shards")
    p.add_argument("--tests", default="", help="space-separated globs on suite/name")
    p.add_argument("--seeds", default="")
    p.add_argument("--ips", type=int, default=None)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--shard", default=None)
    p.add_argument("-j", "--jobs", type=int, default=None)
    p.add_argument("--qemu", action="store_true")
    p.add_argument("--emu", default=None, help="bochs or qemu (--qemu is --emu qemu)")
    p.add_argument("--evict", type=policy_name, default=None, help="kernel option -evict=NAME")
    p.add_argument("--fork", type=policy_name, default=None, help="kernel option -fork=NAME")
    p.add_argument("--fail-inject", default="", metavar="SPEC",
                   help="kernel option -fail=SPEC: output may differ, panics and leaks still fail")
    p.add_argument("--faults", choices=["check", "report", "off"], default=None,
                   help="page-fault baselines: check (default), report changes without failing, off")
    p.add_argument("--expected", default=EXPECTED, help="expected outputs and baselines (default expected/)")
    p.add_argument("--results", default=None, help="results directory (default build/results)")
    p.add_argument("--force", action="store_true", help="merge: replace an existing results directory")
    p.add_argument("--rerun", action="store_true",
                   help="grade: run the tests again instead of grading the results make check wrote")
    p.add_argument("--summary", default=None, help="also print the results as pintos or tap")
    p.add_argument("--make", action="store_true",
                   help="take the options from the make variables in the environment (harness.mk)")
    p.add_argument("--rubric", default=os.path.join(EXPECTED, "rubric.cfg"))
    p.add_argument("--tests-root", default=None, help=argparse.SUPPRESS)
    p.add_argument("--no-unit", action="store_true", help="leave out host unit tests")
    p.add_argument("--with-output", action="store_true",
                   help="accept: also write a missing expected .out from the actual output")
    p.add_argument("--trace", action="store_true",
                   help="capture each test's VM trace (Bochs) into RESULTS/SUITE/NAME.trace")
    p.add_argument("--view", action="store_true",
                   help="--trace, and each test's VM page RESULTS/SUITE/NAME.html")
    p.add_argument("--verbose", "-v", action="store_true")
    return p


# Kernel option -fail=SPEC, checked here for a one-line error (the table's pattern).
FAIL_INJECT_RE = options.FAIL_INJECT_RE
INT_DESTS = ("ips", "repeat", "jobs")


def apply_make_values(args, values, parser):
    """Sets args from {dest: text} (options.make_values): the make variables of harness.mk.
    A flag given explicitly (still not its default) wins over the variable."""
    for dest, text in values.items():
        opt = options.BY_DEST[dest]
        if not hasattr(args, dest) and dest != "emulator":
            continue           # a make-only variable (CMDLINE, FUZZ_CALLS, ...)
        if dest != "emulator" and getattr(args, dest) != parser.get_default(dest):
            continue
        if dest == "emulator":
            args.emu = text
        elif opt.boolean:
            setattr(args, dest, True)
        elif dest in INT_DESTS:
            setattr(args, dest, int(text))
        else:
            setattr(args, dest, text)


def check_args(args):
    if args.emu is not None:
        options.BY_MAKE["EMU"].validate(args.emu)
        args.qemu = args.emu == "qemu"
    if args.jobs is not None and args.jobs < 1:
        raise HarnessError("-j takes a number of jobs >= 1")
    if args.repeat < 1:
        raise HarnessError("REPEAT must be at least 1")
    if args.ips is not None and args.ips < 1000:
        raise HarnessError("IPS must be at least 1000")
    if args.fail_inject and not FAIL_INJECT_RE.match(args.fail_inject):
        raise HarnessError("bad FAIL_INJECT %r: SITES:every=N[:seed=S] or SITES:permille=N[:seed=S],"
                           " SITES = all or kpage+frame+malloc+dread+dwrite" % args.fail_inject)
    for dest in ("evict", "fork", "faults", "summary"):
        options.BY_DEST[dest].validate(getattr(args, dest))
    if args.dirs and args.command != "merge":
        raise HarnessError("unexpected argument %r (test patterns go in --tests)" % args.dirs[0])
    if not os.path.isdir(args.expected):
        raise HarnessError("expected directory %s does not exist" % args.expected)
    machine.run_dir_base()


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["pintos"]:      # grading a Pintos-KAIST kernel: its own command line
        from harness.pk.cli import main as pintos_main
        return pintos_main(argv[1:])
    signal.signal(signal.SIGTERM, lambda s, f: (_ for _ in ()).throw(KeyboardInterrupt()))
    if argv[:1] in (["compare"], ["view"]):
        import importlib
        return importlib.import_module("harness." + argv[0]).main(argv[1:])
    try:
        parser = make_parser()
        args = parser.parse_args(argv)
        if args.command == "help":
            print(options.help_text())
            return 0
        if args.make:
            apply_make_values(args, options.make_values(), parser)
        if args.results is None:
            if args.command == "merge":
                raise HarnessError("merge needs --results DIR, the directory to write (it never "
                                   "overwrites build/results unless told: --results build/results --force)")
            args.results = RESULTS
        check_args(args)
        if args.command == "merge":
            from harness.merge import cmd_merge
            return cmd_merge(args)
        selection = select_items(args)
        if args.command == "list":
            for it in selection.items:
                print(it.label)
            return 0
        if args.command in ("check", "grade", "accept", "bench", "unit"):
            from harness.results import check_writable
            check_writable(args.results)
        if args.command == "accept":
            from harness.accept import cmd_accept
            return cmd_accept(args, selection)
        if args.command == "bench":
            from harness.bench import cmd_bench
            return cmd_bench(args, selection)
        if args.command == "grade":
            from harness.grade import cmd_grade
            return cmd_grade(args, selection)
        from harness.report import finish, print_summary_format
        from harness.running import run_selection
        s = run_selection(args, selection.items, selected=len(selection.everything))
        print_summary_format(args.summary, s.records, s.outcomes)
        return finish(s.outcomes, s.counts, s.wall, s.jobs, args.results)
    except HarnessError as e:
        die("harness", e)
    except KeyboardInterrupt:
        machine.abort_all()
        sys.stdout.write("\nharness: interrupted; every emulator stopped, temporary files removed\n")
        return 130
