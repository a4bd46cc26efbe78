"""One emulator run in its own temporary directory: Bochs (default) or QEMU.

Bochs is driven through its built-in debugger on a pipe: the launcher sets a time breakpoint
one chunk of emulated time ahead (`sb TICKS`), continues (`c`), and when the breakpoint is
caught looks at the console before continuing. A Bochs tick is one executed instruction
while the CPU runs (halted time is skipped over), so both timeouts (total and no-output)
are counted in emulated time and do not depend on how loaded the host is.
"""
import math
import os
import re
import select
import shutil
import signal
import socket
import string
import subprocess
import tempfile
import threading
import time

from harness import debug, disks
from harness.common import (DEFAULT_IPS, DEFAULT_MEM_MB, DEFAULT_FS_MB, HarnessError, ROOT,
                            EXIT_EMULATOR, BUILD)

APT_BOCHS = "apt-get install -y bochs bochsbios vgabios bochs-term"
APT_QEMU = "apt-get install -y qemu-system-x86"
BIOS = "/usr/share/bochs/BIOS-bochs-latest"
VGABIOS = "/usr/share/vgabios/vgabios.bin"
PLUGIN_DIR = "/usr/lib/x86_64-linux-gnu/bochs/plugins"

CHUNKS_PER_SECOND = 4           # granularity of the emulated-time limits
BOOT_LIMIT = 10                 # harness seconds from power-on to the first console byte
START_LIMIT = 30.0              # wall seconds for the emulator to reach its first prompt
BANNER = "Kestrel booting"
PROMPT_RE = re.compile(rb"<bochs:(\d+)> ")

_live = set()                   # every Machine currently running (for abort_all)
_live_lock = threading.Lock()
_aborting = threading.Event()


class RunSpec:
    """Everything one run needs. words: the kernel command line, one entry per word."""

    def __init__(self, words, boot_img=None, mem=DEFAULT_MEM_MB, ips=None, put_files=(),
                 get_files=(), fs_mb=None, swap_mb=0, scratch_mb=0, timeout=60, quiet=30,
                 emulator="bochs", keep=False, interactive=False, echo=None, gdb_port=None,
                 bochs_debugger=False):
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

    def text(self):
        return self.console.decode("utf-8", "replace")


def check_emulator(kind):
    """One clear error when the emulator or its BIOS images are missing."""
    if kind == "qemu":
        if not shutil.which("qemu-system-x86_64"):
            raise HarnessError("qemu-system-x86_64 not found; install it with: " + APT_QEMU)
        return
    if not shutil.which("bochs"):
        raise HarnessError("bochs not found; install it with: " + APT_BOCHS)
    for path in (BIOS, VGABIOS):
        if not os.path.exists(path):
            raise HarnessError("%s not found; install it with: %s" % (path, APT_BOCHS))
    if os.path.isdir(PLUGIN_DIR) and not any(n.startswith("libbx_term") for n in os.listdir(PLUGIN_DIR)):
        raise HarnessError("Bochs' term display is missing; install it with: " + APT_BOCHS)


def abort_all():
    """Kills every emulator started by this process (Ctrl-C) and removes their directories."""
    _aborting.set()
    with _live_lock:
        machines = list(_live)
    for m in machines:
        m.kill()
    for m in machines:
        m.cleanup(force=True)


class Machine:
    def __init__(self, spec):
        self.spec = spec
        self.proc = None
        self.workdir = None
        self.listener = None
        self.conn = None

    # ---------------------------------------------------------------- setup

    def prepare(self):
        """Makes the run directory and disks; returns the disk list [(slot, path)]."""
        s = self.spec
        base = os.environ.get("KESTREL_TMP") or None
        self.workdir = tempfile.mkdtemp(prefix="kestrel-run-", dir=base)
        with _live_lock:
            _live.add(self)
        wd = self.workdir
        boot = os.path.join(wd, "boot.img")
        disks.make_boot(s.boot_img, boot, s.words)
        slots = [("ata0-master", boot)]
        want_fs = s.put_files or s.get_files or s.fs_mb
        if want_fs or disks.have_kfs():
            fs_mb = s.fs_mb or DEFAULT_FS_MB
            fs = os.path.join(wd, "fs.img")
            if s.put_files or s.get_files or disks.have_kfs():
                disks.check_put_files(s.put_files, fs_mb)
                disks.make_fs(fs, fs_mb, s.put_files)
            else:
                disks.make_blank(fs, fs_mb)
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
        for s in (self.conn, self.listener):
            if s:
                try:
                    s.close()
                except OSError:
                    pass
        if self.workdir and (force or not self.spec.keep):
            shutil.rmtree(self.workdir, ignore_errors=True)
        with _live_lock:
            _live.discard(self)

    # ---------------------------------------------------------------- run

    def run(self):
        """Runs the machine to power-off, crash or timeout. Never leaves an emulator behind."""
        check_emulator(self.spec.emulator)
        res = RunResult()
        t0 = time.monotonic()
        try:
            slots = self.prepare()
            if _aborting.is_set():
                raise KeyboardInterrupt
            if self.spec.emulator == "qemu":
                self._run_qemu(slots, res)
            else:
                self._run_bochs(slots, res)
            for guest, host in self.spec.get_files:
                if res.status in ("poweroff",):
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

    def _listen(self):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        return self.listener.getsockname()[1]

    def _console_io(self, fds, timeout, console):
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
        if self.conn and not self.stdin_open:
            debug.send_end_of_input(self, console)
        if 0 in ready:
            data = os.read(0, 4096)
            if not data:
                self.stdin_open = False
                self.input_ended = True
            else:
                try:
                    self.conn.sendall(data.replace(b"\n", b"\r") if os.isatty(0) else data)
                except OSError:
                    pass
        return ready

    def _run_bochs(self, slots, res):
        s = self.spec
        wd = self.workdir
        disk_lines = []
        if any(slot.startswith("ata1") for slot, _ in slots):
            disk_lines.append("ata1: enabled=1, ioaddr1=0x170, ioaddr2=0x370, irq=15")
        for slot, path in slots:
            disk_lines.append("%s: type=disk, path=%s, mode=flat, cylinders=%d, heads=16, spt=63"
                              % (slot, os.path.basename(path), disks.cylinders(path)))
        console = Console(os.path.join(wd, "console.out"), s.echo, not s.interactive)
        self.stdin_open = s.interactive
        if s.interactive:
            com1 = "mode=socket-client, dev=127.0.0.1:%d" % self._listen()
        else:
            com1 = "mode=file, dev=console.out"
        try:
            with open(os.path.join(ROOT, "bochsrc")) as f:
                template = string.Template(f.read())
        except OSError as e:
            raise HarnessError("cannot read bochsrc: %s" % e.strerror)
        with open(os.path.join(wd, "bochsrc"), "w") as f:
            f.write(template.safe_substitute(MEGS=int(s.mem), IPS=int(s.ips),
                                             DISKS="\n".join(disk_lines), COM1=com1))
        if s.bochs_debugger:
            debug.run_bochs_debugger(self, res)
            return
        debug.save_command(wd, ["bochs", "-q", "-f", "bochsrc"])
        env = dict(os.environ, TERM="vt100")
        out_log = open(os.path.join(wd, "bochs.out"), "wb")
        try:
            self.proc = subprocess.Popen(["bochs", "-q", "-f", "bochsrc"], cwd=wd, env=env,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as e:
            out_log.close()
            raise HarnessError("cannot start bochs: %s" % e.strerror, EXIT_EMULATOR)
        unit = max(int(s.ips), DEFAULT_IPS)       # ticks per harness second
        chunk = unit // CHUNKS_PER_SECOND
        limit = int(s.timeout * CHUNKS_PER_SECOND) if s.timeout else 0
        quiet_limit = int(s.quiet * CHUNKS_PER_SECOND) if s.quiet and not s.interactive else 0
        timed = bool(limit or quiet_limit)
        if not timed:
            chunk = 0
        # Last resort only (a wedged emulator): far above any honest run's wall time.
        backstop = None
        if timed:
            budget = (limit or quiet_limit) * chunk
            backstop = 60.0 + budget / 5e6
        out_fd = self.proc.stdout.fileno()
        pending = b""
        prompt = 0
        want = 1           # prompt number that ends the current wait
        chunks = 0          # chunks since the first console byte (the limits count from there)
        boot_chunks = 0     # chunks before it (BIOS and boot loader)
        quiet = 0
        mark = 0
        started = False
        t0 = time.monotonic()
        eof = False
        try:
            while True:
                if _aborting.is_set():
                    raise KeyboardInterrupt
                ready = self._console_io([out_fd], 0.03, console)
                console.poll()
                if out_fd in ready:
                    data = os.read(out_fd, 65536)
                    if not data:
                        eof = True
                    else:
                        out_log.write(data)
                        pending = (pending + data)[-4096:]
                        for m in PROMPT_RE.finditer(pending):
                            prompt = max(prompt, int(m.group(1)))
                        if PROMPT_RE.search(pending):
                            pending = pending[pending.rfind(b"<bochs:") + 1:]
                if eof:
                    self.proc.wait()
                    break
                now = time.monotonic()
                if not started and now - t0 > START_LIMIT:
                    raise HarnessError("bochs did not start within %d s (see its log in a run with -k)"
                                       % START_LIMIT, EXIT_EMULATOR)
                if backstop and now - t0 > backstop:
                    res.status = "timeout"
                    res.detail = "no power-off after %.0f s of host time (emulator wedged?)" % (now - t0)
                    break
                if prompt >= want:
                    console.poll()
                    if started and not console.size:
                        boot_chunks += 1
                        if boot_chunks >= BOOT_LIMIT * CHUNKS_PER_SECOND:
                            res.status = "timeout"
                            res.detail = "no console output within %d s of emulated time after power-on" % BOOT_LIMIT
                            break
                    elif started:
                        chunks += 1
                        if console.size > mark:
                            mark = console.size
                            quiet = 0
                        else:
                            quiet += 1
                        if limit and chunks >= limit:
                            res.status = "timeout"
                            res.detail = "still running after %g s of emulated time (timeout %g s)" % (
                                chunks / CHUNKS_PER_SECOND, s.timeout)
                            break
                        if quiet_limit and quiet >= quiet_limit:
                            res.status = "timeout"
                            res.detail = "no console output for %g s of emulated time" % (
                                quiet / CHUNKS_PER_SECOND)
                            break
                    started = True
                    if chunk:
                        self.proc.stdin.write(b"sb %d\nc\n" % chunk)
                        want = prompt + 2
                    else:
                        self.proc.stdin.write(b"c\n")
                        want = 1 << 62
                    self.proc.stdin.flush()
        except BrokenPipeError:
            self.proc.wait()
        finally:
            res.ticks = (chunks + boot_chunks) * chunk
            out_log.close()
        if res.status == "timeout":
            self.kill()
        console.finish()
        res.console = console.data
        if res.status != "timeout":
            if not started:
                res.status = "error"
                res.detail = "bochs exited (status %s) before starting%s" % (
                    self.proc.returncode, self._last_output())
                return
            self._classify(res, self._bochs_log())

    def _last_output(self):
        """': <last meaningful line Bochs printed>' for start-up failures."""
        try:
            with open(os.path.join(self.workdir, "bochs.out"), "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return ""
        lines = [l.strip() for l in text.splitlines() if l.strip() and not l.startswith("=")
                 and "Bochs x86 Emulator" not in l and "Built from" not in l and "Timestamp" not in l]
        return ": " + lines[-1] if lines else ""

    def _bochs_log(self):
        try:
            with open(os.path.join(self.workdir, "bochs.log"), "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def _classify(self, res, log):
        text = res.text()
        if text.count(BANNER) > 1:
            res.status = "triple"
            res.detail = "the machine rebooted (a second boot banner)"
            return
        panic_lines = [l for l in text.splitlines() if "PANIC" in l]
        if panic_lines:
            res.status = "panic"
            res.detail = panic_lines[0].strip()
            return
        if "with no resolution" in log or "triple fault" in log.lower():
            res.status = "triple"
            res.detail = "triple fault (the CPU could not deliver an exception)"
            return
        # The kernel prints "Powering off..." just before it writes the shutdown port, so a
        # console ending in it is a clean power-off even if Bochs's log was cut short.
        if ("shutdown requested" in log or res.status == "poweroff"
                or text.rstrip().endswith("Powering off...")):
            res.status = "poweroff"
            return
        fatal = [l for l in log.splitlines() if ">>PANIC<<" in l]
        res.status = "error"
        if fatal:
            msg = fatal[0].split(">>PANIC<<", 1)[1].strip()
            res.detail = "the emulator stopped: %s" % msg
        else:
            last = [l for l in log.splitlines() if l.strip()]
            res.detail = "the emulator exited without powering off%s" % (
                (": " + last[-1].strip()) if last else "")

    def _run_qemu(self, slots, res):
        s = self.spec
        wd = self.workdir
        console = Console(os.path.join(wd, "console.out"), s.echo, not s.interactive)
        self.stdin_open = s.interactive
        shift = max(0, min(10, int(round(math.log2(1e9 / s.ips)))))
        cmd = ["qemu-system-x86_64", "-nodefaults", "-display", "none", "-no-reboot", "-monitor", "none",
               "-m", str(int(s.mem)), "-device", "isa-debug-exit,iobase=0x501,iosize=1",
               "-icount", "shift=%d,sleep=off" % shift]
        index = {"ata0-master": 0, "ata0-slave": 1, "ata1-master": 2, "ata1-slave": 3}
        for slot, path in slots:
            cmd += ["-drive", "file=%s,format=raw,index=%d,media=disk" % (path, index[slot])]
        if s.interactive:
            cmd += ["-serial", "tcp:127.0.0.1:%d" % self._listen()]
        else:
            cmd += ["-serial", "file:" + os.path.join(wd, "console.out")]
        if s.gdb_port:
            cmd += debug.qemu_gdb_args(s.gdb_port)
        debug.save_command(wd, cmd)
        log = open(os.path.join(wd, "qemu.out"), "wb")
        try:
            self.proc = subprocess.Popen(cmd, cwd=wd, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as e:
            raise HarnessError("cannot start qemu: %s" % e.strerror, EXIT_EMULATOR)
        finally:
            log.close()
        # QEMU has no time breakpoints: its limits are host seconds (see docs/harness.md).
        t0 = time.monotonic()
        last = t0
        mark = 0
        while self.proc.poll() is None:
            if _aborting.is_set():
                raise KeyboardInterrupt
            self._console_io([], 0.05, console)
            console.poll()
            now = time.monotonic()
            if console.size > mark:
                mark, last = console.size, now
            if s.timeout and now - t0 > s.timeout:
                res.status, res.detail = "timeout", "still running after %g s (QEMU: host time)" % s.timeout
                break
            if s.quiet and not s.interactive and now - last > s.quiet:
                res.status, res.detail = "timeout", "no console output for %g s (QEMU: host time)" % s.quiet
                break
        if res.status == "timeout":
            self.kill()
        else:
            for _ in range(20):
                self._console_io([], 0.01, console)
        console.finish()
        res.console = console.data
        if res.status == "timeout":
            return
        code = self.proc.returncode
        with open(os.path.join(wd, "qemu.out"), "rb") as f:
            qlog = f.read().decode("utf-8", "replace")
        if code not in (0, 1) and not (code & 1 and code > 1):
            res.status = "error"
            res.detail = "qemu failed (status %d): %s" % (code, qlog.strip().splitlines()[-1:] or "")
            return
        text = res.text()
        if "Powering off..." in text or "PANIC" in text or code & 1:
            res.status = "poweroff"
            self._classify(res, "")
        else:
            res.status = "triple"
            res.detail = "QEMU reset the machine (triple fault or reboot)"
            self._classify(res, "with no resolution")


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
