"""make check / grade / accept / bench / unit / merge: the harness's command line.

usage: python3 -m harness COMMAND [OPTIONS]
  check    run tests; last line `N passed, N failed[, N skipped]`; exit 1 if any failed
  grade    run tests and score them with expected/rubric.cfg
  accept   run tests under the default seed and record their page-fault baselines
  bench    run tests and compare ticks and cycles with the accepted baselines
  unit     build and run the host unit tests (src/tests/host/*.c) only
  list     print the selected test ids
  merge    join shard results directories: merge DIR... [--results OUT]
  pintos   grade a Pintos-KAIST kernel (python3 -m harness pintos --help)
options: --tests 'PATTERNS' --seeds 1-20 --ips N --repeat N --shard K/N -j N --qemu
         --evict NAME --fork NAME --faults check|report --expected DIR --results DIR
         --fail-inject SPEC --rubric FILE --no-unit --verbose

The jobs live in their own modules: selection (which items), running (running them),
report (what is printed), results (result files), accept, bench, grade, merge.
"""
import argparse
import os
import re
import signal
import sys

from harness import machine
from harness.common import EXPECTED, RESULTS, HarnessError, die
# Names older code imported from here.
from harness.results import Outcome, summary_line, write_junit  # noqa: F401
from harness.running import default_jobs  # noqa: F401
from harness.selection import Item, parse_seeds, parse_shard, select_items  # noqa: F401

COMMANDS = ["check", "grade", "accept", "bench", "unit", "list", "merge"]
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
    p.add_argument("--evict", type=policy_name, default=None, help="kernel option -evict=NAME")
    p.add_argument("--fork", type=policy_name, default=None, help="kernel option -fork=NAME")
    p.add_argument("--fail-inject", default="", metavar="SPEC",
                   help="kernel option -fail=SPEC: output may differ, panics and leaks still fail")
    p.add_argument("--faults", choices=["check", "report", "off"], default=None,
                   help="page-fault baselines: check (default), report changes without failing, off")
    p.add_argument("--expected", default=EXPECTED, help="expected outputs and baselines (default expected/)")
    p.add_argument("--results", default=RESULTS)
    p.add_argument("--rubric", default=os.path.join(EXPECTED, "rubric.cfg"))
    p.add_argument("--tests-root", default=None, help=argparse.SUPPRESS)
    p.add_argument("--no-unit", action="store_true", help="leave out host unit tests")
    p.add_argument("--with-output", action="store_true",
                   help="accept: also write a missing expected .out from the actual output")
    p.add_argument("--verbose", "-v", action="store_true")
    return p


# Kernel option -fail=SPEC (src/threads/failinject.h), checked here for a one-line error.
FAIL_INJECT_RE = re.compile(r"^(all|(kpage|frame|malloc|dread|dwrite)(\+(kpage|frame|malloc|dread|dwrite))*)"
                            r":(every=[1-9][0-9]*|permille=([0-9]{1,3}))(:seed=[0-9]+)?$")


def check_args(args):
    if args.jobs is not None and args.jobs < 1:
        raise HarnessError("-j takes a number of jobs >= 1")
    if args.repeat < 1:
        raise HarnessError("REPEAT must be at least 1")
    if args.ips is not None and args.ips < 1000:
        raise HarnessError("IPS must be at least 1000")
    if args.fail_inject and not FAIL_INJECT_RE.match(args.fail_inject):
        raise HarnessError("bad FAIL_INJECT %r: SITES:every=N[:seed=S] or SITES:permille=N[:seed=S],"
                           " SITES = all or kpage+frame+malloc+dread+dwrite" % args.fail_inject)
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
    try:
        args = make_parser().parse_args(argv)
        check_args(args)
        if args.command == "merge":
            from harness.merge import cmd_merge
            return cmd_merge(args)
        selection = select_items(args)
        if args.command == "list":
            for it in selection.items:
                print(it.label)
            return 0
        if args.command == "accept":
            from harness.accept import cmd_accept
            return cmd_accept(args, selection)
        if args.command == "bench":
            from harness.bench import cmd_bench
            return cmd_bench(args, selection)
        if args.command == "grade":
            from harness.grade import cmd_grade
            return cmd_grade(args, selection)
        from harness.report import finish
        from harness.running import run_selection
        s = run_selection(args, selection.items)
        return finish(s.outcomes, s.counts, s.wall, s.jobs, args.results)
    except HarnessError as e:
        die("harness", e)
    except KeyboardInterrupt:
        machine.abort_all()
        sys.stdout.write("\nharness: interrupted; every emulator stopped, temporary files removed\n")
        return 130
