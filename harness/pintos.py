"""tools/pintos: run one Kestrel machine. See docs/harness.md or `tools/pintos --help`."""
import argparse
import glob
import os
import re
import signal
import stat
import sys

from harness import debug, machine
from harness.common import (BUILD, DEFAULT_FS_MB, DEFAULT_MEM_MB, DEFAULT_QUIET, DEFAULT_TIMEOUT,
                            EXIT_EMULATOR, EXIT_INTERRUPTED, EXIT_PANIC, EXIT_POWEROFF,
                            EXIT_TIMEOUT, EXIT_TRIPLE, EXIT_USAGE, HarnessError, die, rel)

STATUS_EXIT = {"poweroff": EXIT_POWEROFF, "quit": EXIT_POWEROFF, "panic": EXIT_PANIC,
               "triple": EXIT_TRIPLE, "timeout": EXIT_TIMEOUT, "error": EXIT_EMULATOR}

USAGE = "pintos [OPTIONS] -- KERNEL-COMMAND-LINE"
EPILOG = """exit status: 0 powered off (or you quit Bochs's debugger), 2 bad usage (also: the
kernel rejected an option or action of its command line, or the program of a `run' action
did not load), 3 kernel panic, 4 triple fault or reboot, 5 timeout, 6 emulator failure,
130 interrupted (Ctrl-], or a Ctrl-C nothing answered twice, on a terminal).
Pintos habits: -v, -k, --kill-on-failure, --filesys-size=MB, --swap-size=MB, --gdb and the
kernel option -f are accepted, so a Pintos-KAIST test command line runs unchanged, e.g.
  tools/pintos -v -k -T 60 --qemu --fs-disk=10 -p build/tests/userprog/args-none:args-none -- -q -f run args-none
example: tools/pintos -m 20 --swap-disk=4 -p build/tests/vm/page-linear -- -q run page-linear"""

# Kernel lines that mean it refused its command line (src/threads/init.c).
REJECTED_RE = re.compile(r"^(Unknown option: .*|Unknown action: .*|Action `run' needs .*)$", re.M)
GDB_PORT = 1234


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
    p.add_argument("--fs-disk", "--filesys-size", type=number("--fs-disk", 0.001), metavar="MB",
                   help="file-system disk size (default %d)" % DEFAULT_FS_MB)
    p.add_argument("--swap-disk", "--swap-size", type=number("--swap-disk", 0), default=0,
                   metavar="MB")
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
                   help="Bochs instructions per emulated second for this run (at least "
                        "1000000; QEMU: 1000)")
    p.add_argument("-k", "--keep", action="store_true",
                   help="keep the run directory (with the emulator's exact command line in "
                        "its file `command`); Pintos's -k, kill on failure, always holds here")
    p.add_argument("--kill-on-failure", action="store_true",
                   help="accepted for Pintos: a panic or triple fault always ends the run")
    p.add_argument("-v", "--no-vga", action="store_true",
                   help="accepted for Pintos: there is never a VGA window")
    p.add_argument("--gdb", action="store_true",
                   help="run under QEMU with its gdb stub waiting before the first instruction "
                        "(no time limits); prints the command that attaches gdb")
    p.add_argument("--gdb-port", type=number("--gdb-port", 1, True, 65535), default=GDB_PORT,
                   metavar="PORT", help="port of the gdb stub on 127.0.0.1 (default %d)" % GDB_PORT)
    p.add_argument("--bochs-debugger", action="store_true",
                   help="run Bochs with its built-in debugger on this terminal and the kernel's "
                        "symbols loaded (no time limits)")
    p.add_argument("--explain-kills", action="store_true",
                   help="kernel option -v: print why a user process was killed (fault address, "
                        "access kind, rip) before its exit line")
    p.add_argument("--trace", metavar="FILE",
                   help="capture the VM trace (Bochs only) into FILE (python3 -m harness.trace FILE "
                        "prints it; python3 -m harness view FILE draws it)")
    p.add_argument("--evict", metavar="NAME", help="kernel option -evict=NAME (eviction policy)")
    p.add_argument("--fork", metavar="NAME", help="kernel option -fork=NAME (fork strategy)")
    p.add_argument("--boot-img", metavar="PATH", help="boot disk (default build/boot.img)")
    p.add_argument("--machine", choices=machine.MACHINES, default="fast",
                   help="Bochs machine: fast (default; the BIOS boots at once) or classic (the "
                        "BIOS waits about 3 emulated seconds for a boot-menu key, POST polls "
                        "empty disk places; for comparisons)")
    inter = p.add_mutually_exclusive_group()
    inter.add_argument("-i", "--interactive", dest="interactive", action="store_true",
                       default=None, help="relay stdin to the console (default when stdin is a terminal, a pipe or a "
                            "file; piped input ends with Ctrl-D)")
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
    if args.explain_kills:
        pre.append("-v")
    for option in ("evict", "fork"):
        value = getattr(args, option)
        if value is not None:
            if not value or value.startswith("-") or " " in value:
                raise HarnessError("--%s needs a policy name, not %r" % (option, value))
            pre.append("-%s=%s" % (option, value))
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


def stdin_is_input():
    """True when stdin is a terminal, a pipe or a regular file (not /dev/null or closed):
    `echo ls | make run` then feeds the shell."""
    try:
        mode = os.fstat(0).st_mode
    except OSError:
        return False
    return sys.stdin.isatty() or stat.S_ISFIFO(mode) or stat.S_ISREG(mode)


def spec_from_args(args, words):
    if args.gdb and args.bochs_debugger:
        raise HarnessError("--gdb (QEMU's gdb stub) and --bochs-debugger exclude each other")
    if args.gdb:
        args.emulator = "qemu"
    interactive = args.interactive
    if interactive is None:
        interactive = stdin_is_input() and not args.bochs_debugger
    elif interactive and args.bochs_debugger:
        raise HarnessError("--bochs-debugger owns the terminal: its console goes to the run directory")
    timeout = args.timeout
    if timeout is None:
        timeout = 0 if sys.stdin.isatty() and interactive else DEFAULT_TIMEOUT
    quiet = args.no_output_timeout
    if quiet is None:
        quiet = DEFAULT_QUIET
    if args.gdb or args.bochs_debugger:
        timeout = quiet = 0
    puts = [split_file_arg(a, True) for a in args.put]
    gets = [split_file_arg(a, False) for a in args.get]
    return machine.RunSpec(kernel_words(args, words), boot_img=args.boot_img, mem=args.mem,
                           ips=args.ips, put_files=puts, get_files=gets, fs_mb=args.fs_disk,
                           swap_mb=args.swap_disk, scratch_mb=args.scratch_disk,
                           timeout=timeout, quiet=quiet, emulator=args.emulator, keep=args.keep,
                           interactive=interactive, echo=sys.stdout.buffer,
                           gdb_port=args.gdb_port if args.gdb else None,
                           bochs_debugger=args.bochs_debugger, machine=args.machine,
                           trace=bool(args.trace))


def _sigterm(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    signal.signal(signal.SIGTERM, _sigterm)
    # The terminal going away (SIGHUP: an expect script or an ssh session that ended) must
    # stop the emulator too: it runs in a session of its own and never gets the hangup, so
    # dying of the default action would leave it running with no one to stop it.
    signal.signal(signal.SIGHUP, _sigterm)
    # Ctrl-C (SIGINT) must stop the emulator and clean up even when the launcher was started
    # with SIGINT ignored, as a shell does for a command run in the background: Python then
    # keeps the inherited SIG_IGN instead of raising KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    saved_tty = None
    try:
        args, words = parse(argv)
        spec = spec_from_args(args, words)
        if spec.interactive and sys.stdin.isatty():
            saved_tty = debug.terminal_raw_keys(0)
            sys.stderr.write("pintos: Ctrl-C stops the running program; Ctrl-] (or Ctrl-C "
                             "twice when nothing answers) stops the machine\n")
            sys.stderr.flush()
        if spec.gdb_port:
            sys.stderr.write("pintos: QEMU waits for gdb on 127.0.0.1:%d; attach with:\n    %s\n"
                             % (spec.gdb_port, debug.gdb_attach_command(spec.gdb_port)))
            sys.stderr.flush()
        res = machine.Machine(spec).run()
        if args.trace:
            try:
                with open(args.trace, "wb") as f:
                    f.write(res.trace or b"")
            except OSError as e:
                raise HarnessError("cannot write the trace to %s: %s" % (args.trace, e.strerror))
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
    if res.status == "quit":
        sys.stderr.write("pintos: you quit Bochs's debugger before the kernel powered off\n")
    elif res.status != "poweroff":
        sys.stderr.write("pintos: %s%s\n" % ({"panic": "kernel panic", "triple": "triple fault/reboot",
                                               "timeout": "TIMEOUT", "error": "emulator failure"}
                                              [res.status], ": " + res.detail if res.detail else ""))
    if res.status == "panic":
        symbolize_panic(res.text())
    if res.workdir:
        sys.stderr.write("pintos: run directory kept: %s\n" % res.workdir)
    rejected = REJECTED_RE.search(res.text())
    if res.status == "poweroff" and rejected:
        sys.stderr.write("pintos: the kernel rejected its command line: %s\n" % rejected.group(1))
        sys.exit(EXIT_USAGE)
    unloaded = unloaded_programs(res.text())
    if res.status == "poweroff" and unloaded:
        for name, reason in unloaded:
            sys.stderr.write("pintos: %s\n" % load_hint(name, reason))
        sys.exit(EXIT_USAGE)
    sys.exit(STATUS_EXIT[res.status])


# A `run` action whose own program could not be loaded: the kernel's load line comes right
# after the action's first line (docs/abi.md, section 4).
UNLOADED_RE = re.compile(r"^Executing '([^' ]*)[^']*':\nload: ([^:\n]+): (open failed|error loading executable)$",
                         re.M)


def unloaded_programs(text):
    """(NAME, REASON) for each `run` action of TEXT (a console) whose program did not load;
    a failed exec inside a program (what exec-missing tests) is not reported."""
    return [(m.group(2), m.group(3)) for m in UNLOADED_RE.finditer(text)
            if m.group(1) == m.group(2)]


def load_hint(name, reason):
    """One line for a `run` action whose program NAME did not load (REASON is the kernel's):
    which -p would put it on the disk, or that no build output has that name."""
    if reason != "open failed":
        return "%s on the file-system disk is not an executable the kernel accepts" % name
    built = [p for p in [os.path.join(BUILD, "programs", name)] +
             sorted(glob.glob(os.path.join(BUILD, "tests", "*", name))) if os.path.isfile(p)]
    if built:
        return "%s is not on the file-system disk; put it there with -p %s" % (name, rel(built[0]))
    return ("%s is not on the file-system disk nor a kernel self-test, and no build/programs/%s "
            "or build/tests/*/%s exists to put there with -p" % (name, name, name))


def symbolize_panic(text):
    """Prints the kernel's `Call stack:` lines as function names and source lines on stderr
    (what tools/backtrace would print); silent when that is not possible."""
    from harness import backtrace
    try:
        lines = backtrace.symbolize_log(text)
    except HarnessError:
        return
    if lines:
        sys.stderr.write("pintos: call stack:\n" + "".join("    %s\n" % l for l in lines))
