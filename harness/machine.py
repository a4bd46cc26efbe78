"""One emulator run in its own temporary directory: Bochs (default) or QEMU.

A Machine builds the run directory and disks, hands them to the backend of its emulator
(harness/bochs.py, harness/qemu.py: each reads its own emulator's logs and reports only
neutral facts, an ending.Ending), and turns what happened into a RunResult with
ending.classify(), which reads the console and that Ending, never a log. The console and
the interactive link are harness/console.py. The Machine owns the emulator process: run()
never leaves one (or, unless the spec keeps it, a run directory) behind, and abort_all()
stops every run of this process (Ctrl-C).
"""
import os
import signal
import subprocess
import threading
import time

from harness import disks
from harness.bochs import BochsBackend
from harness.common import (BUILD, DEFAULT_FS_MB, DEFAULT_IPS, DEFAULT_MEM_MB, HarnessError,
                            make_private_dir, remove_tree)
from harness.console import Console, Link
from harness.ending import classify
from harness.qemu import QemuBackend

_live = set()                   # every Machine currently running (for abort_all)
_live_lock = threading.Lock()
_aborting = threading.Event()

BACKENDS = {"bochs": BochsBackend, "qemu": QemuBackend}
# The Bochs machines: fast (BIOS fastboot, no empty disk place polled) and classic (the
# machine before it, about 300 M cycles before kernel entry; make bench compares them).
MACHINES = ("fast", "classic")


class RunSpec:
    """Everything one run needs. words: the kernel command line, one entry per word."""

    def __init__(self, words, boot_img=None, mem=DEFAULT_MEM_MB, ips=None, put_files=(),
                 get_files=(), fs_mb=None, swap_mb=0, scratch_mb=0, timeout=60, quiet=30,
                 emulator="bochs", keep=False, interactive=False, echo=None, gdb_port=None,
                 bochs_debugger=False, machine="fast", trace=False, bochs_setup=b""):
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
        self.machine = machine                # Bochs: fast, or classic (MACHINES)
        self.bochs_setup = bochs_setup        # Bochs: debugger commands before the first `c`
        self.trace = trace                    # Bochs: capture the VM trace (harness/trace.py): RunResult.trace


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
        self.trace = None       # the VM trace's bytes (spec.trace; harness/trace.py), else None
        self.cpu = None         # the emulator's CPU seconds when it exited by itself
        self.stop_tick = None   # emulated cycles at power-off, when the emulator tells them

    def text(self):
        return self.console.decode("utf-8", "replace")


def read_trace(workdir):
    """The bytes of the run's trace.out (the VM trace the backend captured), b"" if none."""
    try:
        with open(os.path.join(workdir, "trace.out"), "rb") as f:
            return f.read()
    except OSError:
        return b""


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


def check_emulator(kind, ips=None):
    """One clear HarnessError when the emulator (bochs or qemu) or its files are missing, or
    when it cannot run at IPS instructions per emulated second."""
    backend = BACKENDS.get(kind)
    if backend is None:
        raise HarnessError("unknown emulator %r (bochs, qemu)" % kind)
    if ips is not None and ips < backend.MIN_IPS:
        raise HarnessError("%s runs at an ips of %d or more (its own limit), not %d"
                           % (kind, backend.MIN_IPS, ips))
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


class Machine:
    """One run of spec: run directory, disks, backend, result. run() never leaves an
    emulator or (unless spec.keep) a run directory behind."""

    def __init__(self, spec):
        self.spec = spec
        self.proc = None
        self.workdir = None
        self.link = Link(spec.interactive)
        self.emulator_cpu = None        # set when the backend reaps an emulator that exited

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

    @staticmethod
    def aborting():
        """True once abort_all() has been called (Ctrl-C): every run stops."""
        return _aborting.is_set()

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
        self.link.close()
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
        check_emulator(self.spec.emulator, self.spec.ips)
        if self.spec.trace and self.spec.emulator != "bochs":
            raise HarnessError("the VM trace needs Bochs (its debugger captures the trace); "
                               "it cannot be taken under %s" % self.spec.emulator)
        res = RunResult()
        res.emulator = backend_class.name
        t0 = time.monotonic()
        try:
            slots = self.prepare()
            if _aborting.is_set():
                raise KeyboardInterrupt
            console = Console(os.path.join(self.workdir, "console.out"), self.spec.echo,
                              not self.spec.interactive, os.path.join(self.workdir, "stats.out"))
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
            res.cpu = self.emulator_cpu
            if self.spec.keep:
                res.workdir = self.workdir
            self.cleanup()
        return res
