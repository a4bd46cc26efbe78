"""tools/pintos: run one Kestrel machine. See docs/harness.md or `tools/pintos --help`."""
import argparse
import os
import signal
import sys

from harness import machine
from harness.common import (DEFAULT_FS_MB, DEFAULT_MEM_MB, DEFAULT_QUIET, DEFAULT_TIMEOUT,
                            EXIT_EMULATOR, EXIT_INTERRUPTED, EXIT_PANIC, EXIT_POWEROFF,
                            EXIT_TIMEOUT, EXIT_TRIPLE, HarnessError, die)

STATUS_EXIT = {"poweroff": EXIT_POWEROFF, "panic": EXIT_PANIC, "triple": EXIT_TRIPLE,
               "timeout": EXIT_TIMEOUT, "error": EXIT_EMULATOR}

USAGE = "pintos [OPTIONS] -- KERNEL-COMMAND-LINE"
EPILOG = """exit status: 0 powered off, 2 bad usage, 3 kernel panic, 4 triple fault or reboot,
5 timeout, 6 emulator failure, 130 interrupted.
example: tools/pintos -m 10 --swap-disk=30 -p build/tests/vm/swap-anon -- -q run swap-anon"""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise HarnessError(message)


def number(kind, minimum=0.0, integer=False, maximum=None):
    def conv(text):
        try:
            v = int(text, 0) if integer else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError("%s must be a number, not %r" % (kind, text))
        if v < minimum:
            raise argparse.ArgumentTypeError("%s must be at least %g, not %r" % (kind, minimum, text))
        if maximum is not None and v > maximum:
            raise argparse.ArgumentTypeError("%s must be at most %g, not %r" % (kind, maximum, text))
        return v
    return conv


def make_parser():
    p = Parser(prog="pintos", usage=USAGE, epilog=EPILOG,
               formatter_class=argparse.RawDescriptionHelpFormatter,
               description="Boot the Kestrel kernel once under Bochs (or QEMU), in its own "
                           "temporary directory, and copy its console to stdout.")
    p.add_argument("-p", "--put", action="append", default=[], metavar="HOSTFILE[:GUESTNAME]",
                   help="put a file on a fresh file-system disk (repeatable)")
    p.add_argument("-g", "--get", action="append", default=[], metavar="GUESTNAME[:HOSTFILE]",
                   help="copy a file back from the file-system disk after power-off")
    p.add_argument("-m", "--mem", type=number("-m", 2, maximum=2048), default=DEFAULT_MEM_MB, metavar="MB",
                   help="guest memory (default %d)" % DEFAULT_MEM_MB)
    p.add_argument("--fs-disk", type=number("--fs-disk", 0.001), metavar="MB",
                   help="file-system disk size (default %d)" % DEFAULT_FS_MB)
    p.add_argument("--swap-disk", type=number("--swap-disk", 0), default=0, metavar="MB")
    p.add_argument("--scratch-disk", type=number("--scratch-disk", 0), default=0, metavar="MB")
    p.add_argument("-T", "--timeout", type=number("-T", 0), metavar="SECONDS",
                   help="total limit in emulated seconds (default %d; 0: none)" % DEFAULT_TIMEOUT)
    p.add_argument("--no-output-timeout", type=number("--no-output-timeout", 0), metavar="SECONDS",
                   help="limit without console output, emulated seconds (default %d; 0: none)"
                        % DEFAULT_QUIET)
    emu = p.add_mutually_exclusive_group()
    emu.add_argument("--bochs", dest="emulator", action="store_const", const="bochs",
                     default="bochs", help="run under Bochs (default)")
    emu.add_argument("--qemu", dest="emulator", action="store_const", const="qemu")
    p.add_argument("-j", "--seed", type=number("-j", 0, True), metavar="SEED",
                   help="kernel timer-perturbation seed (kernel option -seed=SEED)")
    p.add_argument("--ips", type=number("--ips", 1000, True), metavar="N",
                   help="Bochs instructions per emulated second for this run")
    p.add_argument("-k", "--keep", action="store_true", help="keep the run directory")
    p.add_argument("--boot-img", metavar="PATH", help="boot disk (default build/boot.img)")
    inter = p.add_mutually_exclusive_group()
    inter.add_argument("-i", "--interactive", dest="interactive", action="store_true",
                       default=None, help="relay stdin to the console (default when stdin is a terminal)")
    inter.add_argument("--batch", dest="interactive", action="store_false",
                       help="no console input; the console goes through a file")
    return p


def split_file_arg(arg, first_is_host):
    """HOST[:GUEST] or GUEST[:HOST]; the default for the other is the first's basename."""
    a, sep, b = arg.partition(":")
    if not a:
        raise HarnessError("bad file argument %r" % arg)
    if first_is_host:
        return (b if sep else os.path.basename(a)), a
    return a, (b if sep else os.path.basename(a))


def kernel_words(args, words):
    """The words handed to the kernel: the harness options first, then the user's words."""
    pre = []
    if args.seed is not None:
        pre.append("-seed=%d" % args.seed)
    if args.ips is not None:
        pre.append("-ips=%d" % args.ips)
    return pre + list(words)


def parse(argv):
    if "--" in argv:
        i = argv.index("--")
        opts, words = argv[:i], argv[i + 1:]
    else:
        opts, words = argv, []
    args = make_parser().parse_args(opts)
    if not words:
        raise HarnessError("no kernel command line: use pintos [OPTIONS] -- -q run TEST")
    return args, words


def spec_from_args(args, words):
    interactive = args.interactive
    if interactive is None:
        interactive = sys.stdin.isatty()
    timeout = args.timeout
    if timeout is None:
        timeout = 0 if interactive else DEFAULT_TIMEOUT
    quiet = args.no_output_timeout
    if quiet is None:
        quiet = DEFAULT_QUIET
    puts = [split_file_arg(a, True) for a in args.put]
    gets = [split_file_arg(a, False) for a in args.get]
    return machine.RunSpec(kernel_words(args, words), boot_img=args.boot_img, mem=args.mem,
                           ips=args.ips, put_files=puts, get_files=gets, fs_mb=args.fs_disk,
                           swap_mb=args.swap_disk, scratch_mb=args.scratch_disk,
                           timeout=timeout, quiet=quiet, emulator=args.emulator, keep=args.keep,
                           interactive=interactive, echo=sys.stdout.buffer)


def _sigterm(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    signal.signal(signal.SIGTERM, _sigterm)
    saved_tty = None
    try:
        args, words = parse(argv)
        spec = spec_from_args(args, words)
        if spec.interactive and sys.stdin.isatty():
            import termios
            import tty
            saved_tty = termios.tcgetattr(0)
            tty.setcbreak(0)
        res = machine.Machine(spec).run()
    except HarnessError as e:
        die("pintos", e)
    except KeyboardInterrupt:
        machine.abort_all()
        sys.stderr.write("\npintos: interrupted; emulator stopped, temporary files removed\n")
        sys.exit(EXIT_INTERRUPTED)
    finally:
        if saved_tty is not None:
            import termios
            termios.tcsetattr(0, termios.TCSADRAIN, saved_tty)
    try:
        sys.stdout.flush()
        if res.console and not res.console.endswith(b"\n"):
            sys.stdout.write("\n")
            sys.stdout.flush()
    except BrokenPipeError:
        sys.stdout = None     # the reader went away; the status still tells the outcome
    if res.status != "poweroff":
        sys.stderr.write("pintos: %s%s\n" % ({"panic": "kernel panic", "triple": "triple fault/reboot",
                                               "timeout": "TIMEOUT", "error": "emulator failure"}
                                              [res.status], ": " + res.detail if res.detail else ""))
    if res.workdir:
        sys.stderr.write("pintos: run directory kept: %s\n" % res.workdir)
    sys.exit(STATUS_EXIT[res.status])
