"""One Pintos-KAIST test in a fresh, cycle-deterministic Bochs machine.

The machine is Kestrel's (the repository's bochsrc template: fixed clock, instruction-
counted time) with one change: the ROM BIOS is BIOS-bochs-legacy, whose memory map has no
ACPI region above the usable RAM (Pintos-KAIST's palloc.c asserts that the last usable
range ends its user pool, which BIOS-bochs-latest's map breaks at boot). As on Kestrel's
fast machine, the BIOS has `options=fastboot` (no 3-second boot-menu wait) and an empty
place of a channel in use holds an ejected CD-ROM (POST does not poll for a missing drive).

Bochs runs under its debugger, reading commands from a FIFO, as in harness/machine.py:
time breakpoints (`sb`) stop it at exact emulated instants where the harness looks at the
console, so every limit is emulated time and every verdict repeats byte for byte. Pintos-
KAIST powers off by writing QEMU's ACPI port, which Bochs ignores, and then spins: a
linear breakpoint (`lb`) on that spin ends the run, where QEMU's would end (POWEROFF_LINE).
With `show dbg_all` Bochs prints one line per exception it raises
(`CPU 0: Exception 0x0e - (#PF) page fault occurred (error_code=0x0006)`): the page
faults, counted by the emulator; bit 2 of the error code is set when the CPU was in user
mode (Intel SDM vol. 3A, 4.7 "Page-Fault Exceptions").

The screen. Debian's Bochs has no display-less library; its `term` display, when the
debugger is compiled in, opens a pseudo-terminal of its own (`Bochs connected to screen
"/dev/pts/N"` on stderr) and draws the VGA text screen into it with curses. Nobody reads
that terminal, and its other side echoes what it receives: after about 18 KB Bochs blocks
in write() for good (seen: wchan wait_woken in n_tty_write). Pintos-KAIST prints every
console line on the VGA screen too, so a run that scrolls enough hung, and since Bochs
refreshes the screen by host time (5 times a host second by default), how soon depended on
the host's load. So every run refreshes the screen by emulated time, once an emulated
second (`vga: update_freq=1, realtime=0`), and the harness opens that terminal, makes it
raw (no echo back into Bochs's keyboard) and reads everything from it (drain_screen).
"""
import os
import re
import select
import signal
import subprocess
import threading
import tty
import time

from harness.common import (DEFAULT_IPS, ROOT, HarnessError, find_program, make_private_dir,
                            remove_tree)
from harness.pk import pkdisk

BIOS = "/usr/share/bochs/BIOS-bochs-legacy"
VGABIOS = "/usr/share/vgabios/vgabios.bin"
APT_BOCHS = "apt-get install -y bochs bochsbios vgabios bochs-term"
BOOT_LIMIT = 10          # emulated seconds from power-on to the first console byte
POLL = 0.25              # emulated seconds between looks at the console
PANIC_GRACE = 0.2        # emulated seconds a panicking kernel gets to print and stop
OUTPUT_LIMIT = 4 << 20   # console bytes; more ends the run
# Where QEMU's run ends: power_off() prints this, then writes QEMU's ACPI port, which stops
# QEMU at once. Bochs ignores the port and the kernel spins with interrupts on, so other
# threads go on printing; after the spin is reached the harness lets the serial line drain
# (at most DRAIN_STEPS polls) and keeps the console up to this line, as QEMU's would end.
POWEROFF_LINE = b"Powering off...\n"
DRAIN_STEPS = 4
PF_RE = re.compile(rb"Exception 0x0e .*error_code=0x([0-9a-f]+)")
NEXT_RE = re.compile(rb"Next at t=(\d+)")
SCREEN_RE = re.compile(rb'Bochs connected to screen "(/dev/pts/\d+)"')
VGA = "vga: extension=vbe, update_freq=1, realtime=0"   # screen refresh by emulated time
PANIC_RE = re.compile(rb"Kernel PANIC|PANIC recursion")
SLOTS = ("ata0-master", "ata0-slave", "ata1-master", "ata1-slave")

_live = set()
_live_lock = threading.Lock()
_aborting = threading.Event()


class PkRun:
    """What one boot gave. status: poweroff | timeout | panic | output | exit | cmdline |
    watchdog (Bochs stopped answering: no verdict).
    console: the bytes the test's .output gets (TIMEOUT appended like the launcher's);
    faults: {"user": n, "kernel": n} counted by Bochs (None when not counted)."""

    def __init__(self):
        self.status = "exit"
        self.detail = ""
        self.console = b""
        self.ticks = 0
        self.faults = None
        self.wall = 0.0
        self.workdir = None
        self.command = ""


def check_bochs():
    if not find_program("bochs"):
        raise HarnessError("bochs not found; install it with: " + APT_BOCHS)
    for path in (BIOS, VGABIOS):
        if not os.path.exists(path):
            raise HarnessError("%s not found; install it with: %s" % (path, APT_BOCHS))


def abort_all():
    """Kills every Bochs this process started (Ctrl-C); none starts afterwards."""
    _aborting.set()
    with _live_lock:
        procs = list(_live)
    for p in procs:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            pass


def write_bochsrc(path, mem, ips, slots):
    """The run's bochsrc from the repository's template (legacy BIOS, disks, COM1 file,
    the screen refreshed by emulated time)."""
    try:
        with open(os.path.join(ROOT, "bochsrc")) as f:
            template = f.read()
    except OSError as e:
        raise HarnessError("cannot read bochsrc: %s" % e.strerror)
    disks = []
    if any(s.startswith("ata1") for s, _, _ in slots):
        disks.append("ata1: enabled=1, ioaddr1=0x170, ioaddr2=0x370, irq=15")
    for slot, name, cyl in slots:
        disks.append("%s: type=disk, path=%s, mode=flat, cylinders=%d, heads=16, spt=63" % (slot, name, cyl))
    # The BIOS's POST polls an empty place of a channel in use until it times out: an
    # ejected CD-ROM there answers at once (Pintos-KAIST's disk driver skips non-ATA devices).
    used = set(s for s, _, _ in slots)
    for chan in ("ata0", "ata1"):
        pair = {chan + "-master", chan + "-slave"}
        if len(pair & used) == 1:
            disks.append("%s: type=cdrom, status=ejected" % (pair - used).pop())
    values = {"MEGS": str(int(mem)), "IPS": str(int(ips)), "DISKS": "\n".join(disks),
              "COM1": "mode=file, dev=console.out"}
    out = []
    for line in template.splitlines():
        if line.startswith("romimage:"):
            line = "romimage: file=%s, options=fastboot" % BIOS     # no boot-menu wait
        line = re.sub(r"\$\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), line)
        if "${" in line:
            continue                  # a template field this machine does not use
        out.append(line)
    out.append(VGA)
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def prepare(wd, test, os_dsk, mem):
    """Writes the disks of test into wd; returns the bochsrc slots [(slot, file, cylinders)]."""
    from harness.common import CYLINDER
    images = {"ata0-master": ("boot.img", pkdisk.boot_image(os_dsk, test.words))}
    if test.puts or test.gets:
        images["ata1-master"] = ("scratch.img", pkdisk.scratch_image(test.puts, test.gets))
    slots = []
    for slot in SLOTS:
        if slot in images:
            name, data = images[slot]
            with open(os.path.join(wd, name), "wb") as f:
                f.write(data)
        elif slot == "ata0-slave" and test.fs_mb:
            name = "fs.img"
            pkdisk.blank(os.path.join(wd, name), test.fs_mb)
        elif slot == "ata1-slave" and test.swap_mb:
            name = "swap.img"
            pkdisk.blank(os.path.join(wd, name), test.swap_mb)
        else:
            continue
        slots.append((slot, name, os.path.getsize(os.path.join(wd, name)) // CYLINDER))
    return slots


def run(test, os_dsk, spin=None, ips=None, count_faults=True, keep=False, timeout=None, view=None):
    """Boots test (a tree.TestCommand) on the kernel os_dsk once; a PkRun. spin: address of
    the kernel's power-off loop (None: the run ends by its time limit). timeout: emulated
    seconds after the first console byte (default: the test's own -T, else 60). view: a
    pkview.FaultCapture, which sets its own breakpoint and answers its own stops."""
    check_bochs()
    if _aborting.is_set():
        raise KeyboardInterrupt
    r = PkRun()
    ips = int(ips or DEFAULT_IPS)
    t0 = time.monotonic()
    wd = make_private_dir("pk-run-", os.environ.get("KESTREL_TMP") or None)
    r.workdir = wd
    proc = None
    try:
        try:
            slots = prepare(wd, test, os_dsk, test.mem)
        except HarnessError as e:
            r.status, r.detail = "cmdline", str(e)
            return r
        write_bochsrc(os.path.join(wd, "bochsrc"), test.mem, ips, slots)
        fifo = os.path.join(wd, "debugger.fifo")
        os.mkfifo(fifo, 0o600)
        cmds = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
        setup = b""
        if count_faults:
            setup += b"show dbg_all\n"
        if spin:
            setup += b"lb 0x%x\n" % spin
        if view:
            setup += view.setup(spin)
        with open(os.path.join(wd, "command"), "w") as f:
            f.write("cd %s && bochs -q -f bochsrc   # then at <bochs:1>: %s c\n"
                    % (wd, "; ".join(setup.decode().splitlines())))
        r.command = "cd %s && bochs -q -f bochsrc" % wd
        proc = subprocess.Popen(["bochs", "-q", "-f", "bochsrc", "-rc", "debugger.fifo"], cwd=wd,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True,
                                env=dict(os.environ, TERM="vt100"))
        with _live_lock:
            _live.add(proc)
        if _aborting.is_set():
            raise KeyboardInterrupt
        try:
            drive(r, proc, cmds, setup, ips, timeout if timeout is not None else (test.timeout or 60), wd,
                  view)
        finally:
            os.close(cmds)
    finally:
        if proc:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except OSError:
                    pass
            proc.wait()
            proc.stdout.close()
            with _live_lock:
                _live.discard(proc)
        r.wall = time.monotonic() - t0
        if not keep:
            remove_tree(wd)
            r.workdir = None
    return r


def open_screen(path):
    """The far side of the pseudo-terminal Bochs's term display draws into (path as Bochs
    named it), raw (no echo, no line buffering) and non-blocking; None if it cannot be
    opened (the run may then stall, and the host-time watchdog ends it)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        tty.setraw(fd)
    except (OSError, tty.error):
        pass
    return fd


def drain_screen(fd):
    """Reads and drops what the display wrote; False once the terminal is closed."""
    try:
        while os.read(fd, 1 << 16):
            pass
        return False
    except BlockingIOError:
        return True
    except OSError:
        return False


def read_console(wd, have):
    try:
        with open(os.path.join(wd, "console.out"), "rb") as f:
            f.seek(len(have))
            return have + f.read()
    except OSError:
        return have


def drive(r, proc, cmds, setup, ips, timeout, wd, view=None):
    """The breakpoint loop (see the module comment); fills r."""
    unit = ips                                  # ticks per emulated second
    faults = {"user": 0, "kernel": 0}
    out_log = open(os.path.join(wd, "bochs.out"), "wb")
    fd = proc.stdout.fileno()
    buf = b""
    stops = 0           # `Next at t=` lines: one when the debugger starts, one per stop
    want = 2
    now = 0
    start = None        # tick of the first stop that saw console output
    phase = "boot"      # boot | run | drain | dying
    phase_mark = 0
    drained = 0
    spin_hit = False    # the power-off breakpoint was reported since the last stop
    console = b""
    screen = None       # the display's pseudo-terminal, drained (module comment)
    step_ticks = int(POLL * unit)
    os.write(cmds, setup + b"sb %d\nc\n" % step_ticks)
    t_cmd = time.monotonic()    # when the last step was asked for
    try:
        while True:
            if stops >= want:
                console = read_console(wd, console)
                step = None
                if phase == "boot":
                    if console:
                        phase, start = "run", now
                    elif now >= BOOT_LIMIT * unit:
                        r.status, r.detail = "timeout", "no console output within %d s of emulated time" % BOOT_LIMIT
                        break
                    else:
                        step = int(POLL * unit)
                if phase == "run" and step is None:
                    if spin_hit:
                        phase, drained, phase_mark = "drain", 0, len(console)
                    elif PANIC_RE.search(console):
                        phase, phase_mark = "dying", now
                    elif len(console) > OUTPUT_LIMIT:
                        r.status, r.detail = "output", "more than %d bytes of console output" % OUTPUT_LIMIT
                        break
                    elif now - start >= timeout * unit:
                        r.status, r.detail = "timeout", "still running after %g s of emulated time (-T %g)" % (
                            (now - start) / unit, timeout)
                        console += b"TIMEOUT"
                        break
                    else:
                        step = min(int(POLL * unit), start + int(timeout * unit) - now)
                if phase == "dying" and step is None:
                    if spin_hit:
                        phase, drained, phase_mark = "drain", 0, len(console)
                    elif now - phase_mark >= PANIC_GRACE * unit or len(console) > OUTPUT_LIMIT:
                        r.status, r.detail = "panic", "kernel panic; stopped %g s of emulated time later" % PANIC_GRACE
                        break
                    else:
                        step = int(PANIC_GRACE * unit) - (now - phase_mark)
                if phase == "drain" and step is None:
                    cut = console.find(POWEROFF_LINE)
                    if cut >= 0 or drained >= DRAIN_STEPS:
                        if cut >= 0:
                            console = console[:cut + len(POWEROFF_LINE)]
                        r.status = "poweroff"
                        break
                    drained += 1
                    if drained > 1:
                        step = int(POLL * unit)
                    else:
                        # The stop at the power-off loop left the pending time breakpoint
                        # in place (at most POLL ahead): delete the loop's breakpoint and
                        # run to that one. A new `sb` here would leave two pending, and
                        # the stop count would no longer match.
                        os.write(cmds, b"d 1\nc\n")
                        spin_hit = False
                        want = stops + 1
                        t_cmd, step_ticks = time.monotonic(), int(POLL * unit)
                        continue
                os.write(cmds, b"sb %d\nc\n" % max(1, step))
                spin_hit = False
                want = stops + 1
                t_cmd, step_ticks = time.monotonic(), max(1, step)
            # Host-time watchdog, a last resort against a Bochs that never stops (no known
            # cause remains): a step of N ticks gets 20 s + N / 5 M ticks/s. Its ending is
            # not a verdict (status watchdog: the grade reports an ERROR, not a FAIL).
            waited = time.monotonic() - t_cmd
            if stops < want and waited > 20 + step_ticks / 5e6:
                r.status = "watchdog"
                r.detail = ("the host-time watchdog ended the run: Bochs did not reach its next stop "
                            "within %.0f s of host time (a harness or emulator fault, not the kernel's: "
                            "rerun the test)" % waited)
                console = read_console(wd, console) + b"TIMEOUT"
                break
            ready, _, _ = select.select([fd] + ([screen] if screen is not None else []), [], [], 0.05)
            if screen is not None and screen in ready and not drain_screen(screen):
                os.close(screen)
                screen = None
            if fd not in ready:
                continue
            data = os.read(fd, 1 << 16)
            if not data:
                proc.wait()
                console = read_console(wd, console)
                r.status, r.detail = ending_from_log(wd)
                break
            out_log.write(data)
            buf += data
            lines = buf.split(b"\n")
            buf = lines.pop()
            for line in lines:
                if view:
                    view.feed(line)
                m = PF_RE.search(line)
                if m:
                    faults["user" if int(m.group(1), 16) & 4 else "kernel"] += 1
                    continue
                if b"Breakpoint 1," in line:
                    spin_hit = True
                m = SCREEN_RE.search(line)
                if m and screen is None:
                    screen = open_screen(m.group(1).decode())
                m = NEXT_RE.search(line)
                if m:
                    now = int(m.group(1))
                    if view and view.at_stop(now, cmds):
                        continue        # the view's own stop, answered by it
                    stops += 1
    finally:
        if screen is not None:
            os.close(screen)
        out_log.close()
        r.console = console
        r.ticks = now
        r.faults = faults if setup.startswith(b"show") else None



def ending_from_log(wd):
    """(status, detail) when Bochs exited by itself: what its log says."""
    try:
        with open(os.path.join(wd, "bochs.log"), "rb") as f:
            log = f.read().decode("utf-8", "replace")
    except OSError:
        log = ""
    if "triple fault" in log.lower() or "with no resolution" in log:
        return "exit", "triple fault (Bochs stopped the machine)"
    fatal = [l for l in log.splitlines() if ">>PANIC<<" in l]
    if fatal:
        return "exit", "Bochs stopped: " + fatal[0].split(">>PANIC<<", 1)[1].strip()
    return "exit", "Bochs exited"
