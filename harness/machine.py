"""One emulator run in its own temporary directory: Bochs (default) or QEMU.

A Machine builds the run directory and disks, hands them to one backend per emulator
(BochsBackend, QemuBackend), and turns what happened into a RunResult with classify().
Each backend reads its own emulator's logs and reports only neutral facts (an Ending:
the guest asked for power-off, the CPU triple-faulted, the emulator stopped with a
message, or it just exited); classify() reads the console and those facts, never a log.

Bochs is driven through its built-in debugger, whose commands it reads from a FIFO (its
`-rc` file; stdin stays /dev/null, because with a pipe there Bochs polls it with a 1 ms
wait over a hundred times a run): the backend sets a time breakpoint (`sb TICKS`),
continues (`c`), and when the breakpoint is caught looks at the console before continuing. A Bochs tick is one executed
instruction while the CPU runs (halted time is skipped over), so both limits (total and
no-output) are counted in emulated time and do not depend on how loaded the host is.
"""
import math
import os
import select
import shlex
import signal
import string
import subprocess
import threading
import time

from harness import debug, disks
from harness.common import (BUILD, DEFAULT_FS_MB, DEFAULT_IPS, DEFAULT_MEM_MB, EXIT_EMULATOR,
                            HarnessError, ROOT, find_program, make_private_dir, remove_tree)

APT_BOCHS = "apt-get install -y bochs bochsbios vgabios bochs-term"
APT_QEMU = "apt-get install -y qemu-system-x86"
BIOS = "/usr/share/bochs/BIOS-bochs-latest"
VGABIOS = "/usr/share/vgabios/vgabios.bin"
PLUGIN_DIR = "/usr/lib/x86_64-linux-gnu/bochs/plugins"

BOOT_LIMIT = 10                 # harness seconds from power-on to the first console byte
START_LIMIT = 30.0              # wall seconds for Bochs to reach its first breakpoint or byte
BANNER = "Kestrel booting"
POWER_OFF_LINE = "Powering off..."
CAUGHT = b"Caught time breakpoint"   # what Bochs's debugger prints when a time breakpoint hits

_live = set()                   # every Machine currently running (for abort_all)
_live_lock = threading.Lock()
_aborting = threading.Event()


class RunSpec:
    """Everything one run needs. words: the kernel command line, one entry per word."""

    def __init__(self, words, boot_img=None, mem=DEFAULT_MEM_MB, ips=None, put_files=(),
                 get_files=(), fs_mb=None, swap_mb=0, scratch_mb=0, timeout=60, quiet=30,
                 emulator="bochs", keep=False, interactive=False, echo=None, gdb_port=None,
                 bochs_debugger=False, trace=False):
        self.words = list(words)
        self.boot_img = boot_img or os.path.join(BUILD, "boot.img")
        self.mem = mem
        self.ips = ips or DEFAULT_IPS
        self.put_files = list(put_files)
        self.get_files = list(get_files)
        self.fs_mb = fs_mb
        self.swap_mb = swap_mb
        self.scratch_mb = scratch_mb
        self.timeout = timeout
        self.quiet = quiet
        self.emulator = emulator
        self.keep = keep
        self.interactive = interactive
        self.echo = echo
        self.gdb_port = gdb_port              # QEMU: gdb stub on this port, CPU stopped
        self.bochs_debugger = bochs_debugger  # Bochs: its debugger on this terminal
        self.trace = trace                    # LPT1 to trace.out (kernel -trace): RunResult.trace


class RunResult:
    """status: poweroff | panic | triple | timeout | error."""

    def __init__(self):
        self.status = "error"
        self.detail = ""
        self.console = b""
        self.wall = 0.0
        self.ticks = 0
        self.workdir = None
        self.got = {}
        self.emulator = None
        self.trace = None       # bytes the kernel wrote to LPT1 (spec.trace), else None

    def text(self):
        return self.console.decode("utf-8", "replace")


class Ending:
    """How the emulator stopped, in no emulator's words.

    kind: shutdown (the guest asked for power-off), triple (the CPU could not deliver an
    exception, or the machine reset), fatal (the emulator gave up: detail says why),
    exit (it exited for no reason it stated), timeout (a limit of this harness; detail),
    quit (the user quit Bochs's debugger before power-off: status quit, not an error).
    """

    def __init__(self, kind, detail=""):
        self.kind = kind
        self.detail = detail


def classify(text, ending):
    """(status, detail) of a run from its console text and its Ending.

    A second boot banner is a reboot; a PANIC line is a kernel panic; a console whose
    last line is `Powering off...` powered off cleanly even if the emulator's exit was
    untidy (the kernel prints it just before it writes the shutdown port). A power-off
    whose console lacks that line is an error, never a clean run: output went missing."""
    if ending.kind == "timeout":
        return "timeout", ending.detail
    if text.count(BANNER) > 1:
        return "triple", "the machine rebooted (a second boot banner)"
    for line in text.splitlines():
        if "PANIC" in line:
            return "panic", line.strip()
    if ending.kind == "triple":
        return "triple", ending.detail or "triple fault (the CPU could not deliver an exception)"
    if text.rstrip().endswith(POWER_OFF_LINE):
        return "poweroff", ""
    if ending.kind == "shutdown":
        return "error", ("the machine powered off, but the console stops before `%s`: its "
                         "last output was lost" % POWER_OFF_LINE)
    if ending.kind == "fatal":
        return "error", "the emulator stopped: %s" % ending.detail
    if ending.kind == "quit":
        return "quit", ""
    return "error", "the emulator exited without powering off%s" % (
        ": " + ending.detail if ending.detail else "")


def run_dir_base():
    """The directory run directories go in: $KESTREL_TMP when set (it must be an existing
    directory), else the system's temporary directory. HarnessError (one line) otherwise."""
    base = os.environ.get("KESTREL_TMP")
    if not base:
        return None
    if not os.path.exists(base):
        raise HarnessError("KESTREL_TMP=%s does not exist (create it or unset KESTREL_TMP)" % base)
    if not os.path.isdir(base):
        raise HarnessError("KESTREL_TMP=%s is not a directory" % base)
    if not os.access(base, os.W_OK | os.X_OK):
        raise HarnessError("KESTREL_TMP=%s is not writable" % base)
    return base


def check_emulator(kind):
    """One clear HarnessError when the emulator (bochs or qemu) or its files are missing."""
    backend = BACKENDS.get(kind)
    if backend is None:
        raise HarnessError("unknown emulator %r (bochs, qemu)" % kind)
    backend.check()


def abort_all():
    """Kills every emulator started by this process (Ctrl-C) and removes their directories."""
    _aborting.set()
    with _live_lock:
        machines = list(_live)
    for m in machines:
        m.kill()
    for m in machines:
        m.cleanup(force=True)


class Backend:
    """One emulator. run() starts it on the machine's run directory, drives it to its
    end, fills res.ticks, and returns an Ending; the Machine owns the process handle
    (machine.proc) so that kill() and Ctrl-C work the same for every backend."""
    name = "?"

    @staticmethod
    def check():
        raise NotImplementedError

    def __init__(self, machine):
        self.m = machine

    def start(self, argv, shown=None, **kw):
        """Starts argv in its own session in the run directory. Saves the command line a
        person reruns the machine with (shown, or argv itself), shell-quoted and runnable
        from anywhere, as the run directory's `command`."""
        m = self.m
        with open(os.path.join(m.workdir, "command"), "w") as f:
            f.write("cd %s && %s\n" % (shlex.quote(m.workdir),
                                        " ".join(shlex.quote(a) for a in shown or argv)))
        try:
            m.proc = subprocess.Popen(argv, cwd=m.workdir, start_new_session=True, **kw)
        except OSError as e:
            raise HarnessError("cannot start %s: %s" % (argv[0], e.strerror), EXIT_EMULATOR)


    def read_output(self, fd, console, timeout):
        """One wait of at most timeout seconds: relays the console, then returns what the
        emulator printed on fd, None if nothing, or b"" once it has exited (and is reaped)."""
        if _aborting.is_set():
            raise KeyboardInterrupt
        ready = self.m.console_io([fd], timeout, console)
        console.poll()
        if fd not in ready:
            return None
        data = os.read(fd, 65536)
        if not data:
            self.m.proc.wait()
        return data


class BochsBackend(Backend):
    """Bochs through its debugger: time breakpoints enforce the emulated-time limits."""
    name = "bochs"

    @staticmethod
    def check():
        if not find_program("bochs"):
            raise HarnessError("bochs not found; install it with: " + APT_BOCHS)
        for path in (BIOS, VGABIOS):
            if not os.path.exists(path):
                raise HarnessError("%s not found; install it with: %s" % (path, APT_BOCHS))
        if os.path.isdir(PLUGIN_DIR) and not any(n.startswith("libbx_term") for n in os.listdir(PLUGIN_DIR)):
            raise HarnessError("Bochs' term display is missing; install it with: " + APT_BOCHS)

    def write_bochsrc(self, slots, com1):
        """The run's bochsrc: the top-level template with memory, ips, disks and COM1."""
        s = self.m.spec
        disk_lines = []
        if any(slot.startswith("ata1") for slot, _ in slots):
            disk_lines.append("ata1: enabled=1, ioaddr1=0x170, ioaddr2=0x370, irq=15")
        for slot, path in slots:
            disk_lines.append("%s: type=disk, path=%s, mode=flat, cylinders=%d, heads=16, spt=63"
                              % (slot, os.path.basename(path), disks.cylinders(path)))
        try:
            with open(os.path.join(ROOT, "bochsrc")) as f:
                template = string.Template(f.read())
        except OSError as e:
            raise HarnessError("cannot read bochsrc: %s" % e.strerror)
        with open(os.path.join(self.m.workdir, "bochsrc"), "w") as f:
            f.write(template.safe_substitute(MEGS=int(s.mem), IPS=int(s.ips),
                                             DISKS="\n".join(disk_lines), COM1=com1))
            if s.trace:
                f.write('parport1: enabled=1, file="trace.out"\n')

    def run(self, slots, res, console):
        """Writes the bochsrc, starts Bochs on its debugger FIFO and drives it; the Ending."""
        m = self.m
        s = m.spec
        wd = m.workdir
        if s.interactive:
            com1 = "mode=socket-client, dev=127.0.0.1:%d" % m.listen()
        else:
            com1 = "mode=file, dev=console.out"
        self.write_bochsrc(slots, com1)
        if s.bochs_debugger:
            debug.run_bochs_debugger(m, res)
            kind = {"poweroff": "shutdown", "quit": "quit"}.get(res.status, "exit")
            return Ending(kind, res.detail or "")
        fifo = os.path.join(wd, "debugger.fifo")
        os.mkfifo(fifo, 0o600)
        # Read-write, so that neither side waits for the other to open it; what is written
        # before Bochs opens it stays in the FIFO.
        self.commands = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
        out_log = open(os.path.join(wd, "bochs.out"), "wb")
        try:
            # The FIFO has no writer once the run is over: the kept command leaves it out,
            # and Bochs then waits at its debugger prompt for a `c`.
            self.start(["bochs", "-q", "-f", "bochsrc", "-rc", "debugger.fifo"],
                       shown=["bochs", "-q", "-f", "bochsrc"], env=dict(os.environ, TERM="vt100"), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            ending, started = self.drive(res, console, out_log)
            m.drain_socket(console)
        finally:
            out_log.close()
            os.close(self.commands)
        if ending is None and not started:
            return Ending("fatal", "bochs exited (status %s) before starting%s"
                          % (m.proc.returncode, self.last_output()))
        return ending or self.read_log()

    def drive(self, res, console, out_log):
        """The breakpoint loop. Returns (Ending or None when Bochs exited by itself, started).

        Bochs stops only where a limit could fire, so a run costs a few round trips: every
        harness second until the first console byte (the boot limit, and the moment the
        other limits count from), then at the earlier of the total deadline and the end of
        the current no-output window. A window that saw output starts again where that was
        seen; one that saw none ends the run. Every stop is at an exact emulated time, so
        the verdict does not depend on the host."""
        m = self.m
        s = m.spec
        proc = m.proc
        unit = max(int(s.ips), DEFAULT_IPS)       # ticks per harness second
        limit = int(s.timeout * unit) if s.timeout else 0
        quiet_limit = int(s.quiet * unit) if s.quiet and not s.interactive else 0
        timed = bool(limit or quiet_limit)
        # Last resort only (a wedged emulator): far above any honest run's wall time.
        backstop = 60.0 + (BOOT_LIMIT * unit + (limit or quiet_limit)) / 5e6 if timed else None
        out_fd = proc.stdout.fileno()
        pending = b""
        caught = 0          # time breakpoints Bochs has reported
        want = 0            # the count that ends the current wait (None: none will come)
        now = 0             # emulated ticks since power-on, at the current stop
        start = None        # ticks at the stop that first saw console output
        mark = mark_size = 0  # the stop that last saw the console grow, and its size then
        started = False     # a breakpoint was caught or the console has output
        ending = None
        t0 = time.monotonic()
        try:
            while True:
                if want is not None and caught >= want:
                    console.poll()
                    step = 0
                    if want and timed:
                        if start is None and console.size:
                            start = mark = now
                            mark_size = console.size
                        elif start is not None and console.size > mark_size:
                            mark, mark_size = now, console.size
                        if start is None:
                            if now >= BOOT_LIMIT * unit:
                                ending = Ending("timeout", "no console output within %d s of emulated "
                                                "time after power-on" % BOOT_LIMIT)
                                break
                            step = unit
                        else:
                            if limit and now - start >= limit:
                                ending = Ending("timeout", "still running after %g s of emulated time "
                                                "(timeout %g s)" % ((now - start) / unit, s.timeout))
                                break
                            if quiet_limit and now - mark >= quiet_limit:
                                ending = Ending("timeout", "no console output for %g s of emulated time"
                                                % ((now - mark) / unit))
                                break
                            ends = [start + limit] if limit else []
                            ends += [mark + quiet_limit] if quiet_limit else []
                            step = min(ends) - now
                    elif timed:
                        step = unit
                    if step:
                        os.write(self.commands, b"sb %d\nc\n" % step)
                        want = caught + 1
                        now += step
                    else:
                        os.write(self.commands, b"c\n")
                        want = None
                data = self.read_output(out_fd, console, 0.03)
                if data == b"":
                    break
                if data:
                    out_log.write(data)
                    pending += data
                    caught += pending.count(CAUGHT)
                    pending = pending[1 - len(CAUGHT):]     # a tail too short to hold a whole match
                if caught or console.size:
                    started = True
                wall = time.monotonic() - t0
                if not started and wall > START_LIMIT:
                    raise HarnessError("bochs did not start within %d s (see its log in a run with -k)"
                                       % START_LIMIT, EXIT_EMULATOR)
                if backstop and wall > backstop:
                    ending = Ending("timeout", "no power-off after %.0f s of host time (emulator wedged?)" % wall)
                    break
        finally:
            res.ticks = now
        if not started:
            console.poll()
            started = bool(console.size)
        return ending, started

    def last_output(self):
        """': <last meaningful line Bochs printed>' for start-up failures."""
        try:
            with open(os.path.join(self.m.workdir, "bochs.out"), "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return ""
        lines = [l.strip() for l in text.splitlines() if l.strip() and not l.startswith("=")
                 and "Bochs x86 Emulator" not in l and "Built from" not in l and "Timestamp" not in l]
        return ": " + lines[-1] if lines else ""

    def read_log(self):
        """The Ending that bochs.log tells of (Bochs 2.7's wording, see /work/shared/BOCHS.md)."""
        try:
            with open(os.path.join(self.m.workdir, "bochs.log"), "rb") as f:
                log = f.read().decode("utf-8", "replace")
        except OSError:
            log = ""
        if "with no resolution" in log or "triple fault" in log.lower():
            return Ending("triple")
        if "shutdown requested" in log:
            return Ending("shutdown")
        fatal = [l for l in log.splitlines() if ">>PANIC<<" in l]
        if fatal:
            return Ending("fatal", fatal[0].split(">>PANIC<<", 1)[1].strip())
        last = [l.strip() for l in log.splitlines() if l.strip()]
        return Ending("exit", last[-1] if last else "")


class QemuBackend(Backend):
    """QEMU with instruction counting (-icount). It has no time breakpoints: its limits
    are host seconds, and its runs are not repeatable (docs/harness.md, QEMU)."""
    name = "qemu"

    @staticmethod
    def check():
        if not find_program("qemu-system-x86_64"):
            raise HarnessError("qemu-system-x86_64 not found; install it with: " + APT_QEMU)

    def command(self, slots):
        """QEMU's command line for the disks in slots and the console of the spec."""
        m = self.m
        s = m.spec
        shift = max(0, min(10, int(round(math.log2(1e9 / s.ips)))))
        cmd = ["qemu-system-x86_64", "-nodefaults", "-display", "none", "-no-reboot", "-monitor", "none",
               "-m", str(int(s.mem)), "-device", "isa-debug-exit,iobase=0x501,iosize=1",
               "-icount", "shift=%d,sleep=off" % shift]
        index = {"ata0-master": 0, "ata0-slave": 1, "ata1-master": 2, "ata1-slave": 3}
        for slot, path in slots:
            cmd += ["-drive", "file=%s,format=raw,index=%d,media=disk" % (os.path.basename(path), index[slot])]
        if s.interactive:
            cmd += ["-serial", "tcp:127.0.0.1:%d" % m.listen()]
        else:
            cmd += ["-serial", "file:console.out"]
        if s.trace:
            cmd += ["-parallel", "file:trace.out"]
        if s.gdb_port:
            cmd += debug.qemu_gdb_args(s.gdb_port)
        return cmd

    def run(self, slots, res, console):
        """Starts QEMU and waits for it, enforcing the limits in host seconds; the Ending
        from its exit status (and, for status 0, the console's last line)."""
        m = self.m
        s = m.spec
        self.start(self.command(slots), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                   stderr=subprocess.STDOUT)
        out_fd = m.proc.stdout.fileno()
        t0 = time.monotonic()
        last = t0
        mark = 0
        ending = None
        with open(os.path.join(m.workdir, "qemu.out"), "wb") as log:
            while True:
                data = self.read_output(out_fd, console, 0.05)
                if data == b"":
                    break
                if data:
                    log.write(data)
                now = time.monotonic()
                if console.size > mark:
                    mark, last = console.size, now
                if s.timeout and now - t0 > s.timeout:
                    ending = Ending("timeout", "still running after %g s (QEMU: host time)" % s.timeout)
                    break
                if s.quiet and not s.interactive and now - last > s.quiet:
                    ending = Ending("timeout", "no console output for %g s (QEMU: host time)" % s.quiet)
                    break
        if ending:
            return ending
        m.drain_socket(console)
        code = m.proc.returncode
        # isa-debug-exit makes QEMU exit with (value << 1) | 1; ACPI power-off exits 0, and
        # so does a reset under -no-reboot: the console tells those two apart.
        if code & 1 and code > 0:
            return Ending("shutdown")
        if code == 0 and console.data.rstrip().endswith(POWER_OFF_LINE.encode()):
            return Ending("shutdown")
        if code == 0:
            return Ending("triple", "QEMU reset the machine (triple fault or reboot)")
        with open(os.path.join(m.workdir, "qemu.out"), "rb") as f:
            last = f.read().decode("utf-8", "replace").strip().splitlines()[-1:]
        return Ending("fatal", "qemu failed (status %d)%s" % (code, ": " + last[0] if last else ""))


BACKENDS = {"bochs": BochsBackend, "qemu": QemuBackend}


def read_trace(workdir):
    """The bytes of the run's trace.out (the VM trace on LPT1), b"" if none was written."""
    try:
        with open(os.path.join(workdir, "trace.out"), "rb") as f:
            return f.read()
    except OSError:
        return b""


class Machine:
    """One run of spec: run directory, disks, backend, result. run() never leaves an
    emulator or (unless spec.keep) a run directory behind."""

    def __init__(self, spec):
        self.spec = spec
        self.proc = None
        self.workdir = None
        self.listener = None
        self.conn = None
        self.stdin_open = False

    def prepare(self):
        """Makes the run directory and disks; returns the disk list [(slot, path)]."""
        s = self.spec
        self.workdir = make_private_dir("kestrel-run-", run_dir_base())
        with _live_lock:
            _live.add(self)
        wd = self.workdir
        boot = os.path.join(wd, "boot.img")
        disks.make_boot(s.boot_img, boot, s.words)
        slots = [("ata0-master", boot)]
        fs_mb = s.fs_mb or DEFAULT_FS_MB
        fs = os.path.join(wd, "fs.img")
        disks.check_put_files(s.put_files, fs_mb)
        disks.make_fs(fs, fs_mb, s.put_files)
        slots.append(("ata0-slave", fs))
        if s.scratch_mb:
            p = os.path.join(wd, "scratch.img")
            disks.make_blank(p, s.scratch_mb)
            slots.append(("ata1-master", p))
        if s.swap_mb:
            p = os.path.join(wd, "swap.img")
            disks.make_blank(p, s.swap_mb)
            slots.append(("ata1-slave", p))
        return slots

    def kill(self):
        """Kills the emulator's whole session (it may have children) and reaps it."""
        p = self.proc
        if p and p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                pass

    def cleanup(self, force=False):
        """Closes sockets and pipes; removes the run directory unless spec.keep (force:
        always). The Machine is no longer one abort_all() kills."""
        for sock in (self.conn, self.listener):
            if sock:
                try:
                    sock.close()
                except OSError:
                    pass
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        if self.proc and self.proc.stdin:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        if self.workdir and (force or not self.spec.keep):
            remove_tree(self.workdir)
        with _live_lock:
            _live.discard(self)

    def run(self):
        """Runs the machine to power-off, crash or timeout; returns a RunResult."""
        backend_class = BACKENDS.get(self.spec.emulator)
        check_emulator(self.spec.emulator)
        res = RunResult()
        res.emulator = backend_class.name
        t0 = time.monotonic()
        try:
            slots = self.prepare()
            if _aborting.is_set():
                raise KeyboardInterrupt
            console = Console(os.path.join(self.workdir, "console.out"), self.spec.echo,
                              not self.spec.interactive)
            self.stdin_open = self.spec.interactive
            ending = backend_class(self).run(slots, res, console)
            if ending.kind == "timeout":
                self.kill()
            console.finish()
            res.console = console.data
            if self.spec.trace:
                res.trace = read_trace(self.workdir)
            res.status, res.detail = classify(res.text(), ending)
            if res.status == "poweroff":
                for guest, host in self.spec.get_files:
                    data = disks.extract_fs(os.path.join(self.workdir, "fs.img"), guest)
                    res.got[guest] = host
                    with open(host, "wb") as f:
                        f.write(data)
        finally:
            self.kill()
            res.wall = time.monotonic() - t0
            if self.spec.keep:
                res.workdir = self.workdir
            self.cleanup()
        return res

    def listen(self):
        """A listening socket on 127.0.0.1 for an interactive console; returns its port."""
        import socket       # interactive runs only
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        return self.listener.getsockname()[1]

    def drain_socket(self, console):
        """Reads what a socket console still holds once the emulator has stopped: without
        it, the tail of an interactive run (a panic message, the power-off line) is lost
        and the run misjudged."""
        while self.conn and self.console_io([], 0.05, console):
            pass

    def console_io(self, fds, timeout, console):
        """One wait for output; returns the fds ready. Relays terminal input in interactive mode."""
        watch = list(fds)
        if self.listener and not self.conn:
            watch.append(self.listener)
        if self.conn:
            watch.append(self.conn)
            if self.stdin_open and debug.input_wanted(console):
                watch.append(0)
        try:
            ready, _, _ = select.select(watch, [], [], timeout)
        except InterruptedError:
            return []
        if self.listener in ready and not self.conn:
            self.conn, _ = self.listener.accept()
            self.conn.setblocking(False)
        if self.conn and self.conn in ready:
            try:
                data = self.conn.recv(65536)
            except (BlockingIOError, ConnectionError):
                data = b""
            if data:
                console.add(data)
            else:
                ready = [r for r in ready if r is not self.conn]
        if self.conn and not self.stdin_open:
            debug.send_end_of_input(self, console)
        if 0 in ready:
            data = os.read(0, 4096)
            if not data:
                self.stdin_open = False
                self.input_ended = True
            else:
                if os.isatty(0):
                    data = debug.terminal_keys(self, console, data.replace(b"\n", b"\r"))
                try:
                    self.conn.sendall(data)
                except OSError:
                    pass
        return ready


class Console:
    """The console as it arrives: from a file Bochs/QEMU append to, or fed by a socket."""

    def __init__(self, path, echo, from_file=True):
        self.path = path
        self.echo = echo
        self.from_file = from_file
        self.data = b""
        self.f = None

    @property
    def size(self):
        return len(self.data)

    def add(self, data):
        self.data += data
        with open(self.path, "ab") as f:
            f.write(data)
        self._echo(data)

    def _echo(self, data):
        if self.echo is not None and data:
            try:
                self.echo.write(data)
                self.echo.flush()
            except (BrokenPipeError, ValueError):
                self.echo = None      # the reader went away (| head): keep running quietly

    def poll(self):
        if not self.from_file:
            return
        if self.f is None:
            try:
                self.f = open(self.path, "rb")
            except OSError:
                return
        data = self.f.read()
        if data:
            self.data += data
            self._echo(data)

    def finish(self):
        self.poll()
        if self.f:
            self.f.close()
            self.f = None
