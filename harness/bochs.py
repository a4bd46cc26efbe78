"""The Bochs backend: the run's bochsrc from the template, Bochs driven through its
built-in debugger, and its log read into an Ending.

Bochs reads its debugger commands from a FIFO (its `-rc` file; stdin stays /dev/null,
because with a pipe there Bochs polls it with a 1 ms wait over a hundred times a run): the
backend sets a time breakpoint (`sb TICKS`), continues (`c`), and when the breakpoint is
caught looks at the console before continuing. A Bochs tick is one executed instruction
while the CPU runs (halted time is skipped over), so both limits (total and no-output) are
counted in emulated time and do not depend on how loaded the host is.
"""
import os
import string
import subprocess
import time

from harness import debug, disks, trace
from harness.backend import Backend
from harness.common import DEFAULT_IPS, EXIT_EMULATOR, HarnessError, ROOT, find_program
from harness.ending import Ending

APT_BOCHS = "apt-get install -y bochs bochsbios vgabios bochs-term"
BIOS = "/usr/share/bochs/BIOS-bochs-latest"
VGABIOS = "/usr/share/vgabios/vgabios.bin"
PLUGIN_DIR = "/usr/lib/x86_64-linux-gnu/bochs/plugins"

BOOT_LIMIT = 10                 # harness seconds from power-on to the first console byte
START_LIMIT = 30.0              # wall seconds for Bochs to reach its first breakpoint or byte
CAUGHT = b"Caught time breakpoint"   # what Bochs's debugger prints when a time breakpoint hits
MAGIC = trace.MAGIC                 # ... and at `xchg %bx,%bx` under magic_break: enabled=1
# The fast machine's devices (bochsrc's FAST_DEVICES): plain VGA (text mode is all the
# kernel uses; VBE's 16 MB of video memory costs Bochs about 0.07 s of CPU to set up and
# tear down), no speaker (its sound driver), game port or I/O debug port.
FAST_DEVICES = "vga: extension=none\nplugin_ctrl: speaker=0, gameport=0, iodebug=0"


class BochsBackend(Backend):
    """Bochs through its debugger: time breakpoints enforce the emulated-time limits."""
    name = "bochs"
    MIN_IPS = 1000000   # Bochs rejects a lower cpu ips (its parameter's range)

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
        """The run's bochsrc: the top-level template with memory, ips, disks and COM1. The
        fast machine (the default) has the BIOS's fastboot option, an empty CD-ROM in the
        free place of a channel with one disk and FAST_DEVICES; the classic machine
        (spec.machine) has none of them: the BIOS waits for a boot-menu key, POST polls the
        empty place, and Bochs sets up VBE video memory and sound."""
        s = self.m.spec
        disk_lines = []
        if any(slot.startswith("ata1") for slot, _ in slots):
            disk_lines.append("ata1: enabled=1, ioaddr1=0x170, ioaddr2=0x370, irq=15")
        for slot, path in slots:
            disk_lines.append("%s: type=disk, path=%s, mode=flat, cylinders=%d, heads=16, spt=63"
                              % (slot, os.path.basename(path), disks.cylinders(path)))
        fast = s.machine == "fast"
        used = set(slot for slot, _ in slots)
        for slot in ("ata1-master", "ata1-slave"):
            if fast and slot not in used and any(u.startswith("ata1") for u in used):
                disk_lines.append("%s: type=cdrom, status=ejected" % slot)
        try:
            with open(os.path.join(ROOT, "bochsrc")) as f:
                template = string.Template(f.read())
        except OSError as e:
            raise HarnessError("cannot read bochsrc: %s" % e.strerror)
        with open(os.path.join(self.m.workdir, "bochsrc"), "w") as f:
            f.write(template.safe_substitute(MEGS=int(s.mem), IPS=int(s.ips),
                                             BIOS_OPTIONS=", options=fastboot" if fast else "",
                                             FAST_DEVICES=FAST_DEVICES if fast else "",
                                             DISKS="\n".join(disk_lines), COM1=com1))
            # Always, trace or not: the kernel hands its VM trace ring over at a magic
            # breakpoint (src/vm/trace.h: when the ring is full and at power-off), and a
            # debugger stop moves where later timer interrupts land (Bochs syncs its timers
            # at the stop); stopping in every run keeps the guest's run the same with the
            # trace on or off. Off, a stop is just continued.
            if not s.bochs_debugger:
                f.write("magic_break: enabled=1\n")

    def run(self, slots, res, console):
        """Writes the bochsrc, starts Bochs on its debugger FIFO and drives it; the Ending."""
        m = self.m
        s = m.spec
        wd = m.workdir
        if s.interactive:
            com1 = "mode=term, dev=%s" % m.link.open_pty()
        else:
            com1 = "mode=file, dev=console.out"
        # The VM trace (harness/trace.py): stops of the debugger that the drive loop answers.
        self.capture = None
        if s.trace and not s.bochs_debugger:
            self.capture = trace.KestrelCapture()
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
        if s.bochs_setup:       # e.g. `show dbg_all`: the emulator's own exception trace
            os.write(self.commands, s.bochs_setup)
        out_log = open(os.path.join(wd, "bochs.out"), "wb")
        try:
            # The FIFO has no writer once the run is over: the kept command leaves it out,
            # and Bochs then waits at its debugger prompt for a `c`.
            self.start(["bochs", "-q", "-f", "bochsrc", "-rc", "debugger.fifo"],
                       shown=["bochs", "-q", "-f", "bochsrc"], env=dict(os.environ, TERM="vt100"), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            ending, started = self.drive(res, console, out_log)
            m.link.drain(console)
        finally:
            out_log.close()
            os.close(self.commands)
        if self.capture:
            self.write_trace()
        if ending is None and not started:
            return Ending("fatal", "bochs exited (status %s) before starting%s"
                          % (m.proc.returncode, self.last_output()))
        ending = ending or self.read_log()
        res.stop_tick = ending.tick
        return ending

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
        traced = b""        # output not yet searched for trace stops (answer_stops)
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
                data = self.read_output(out_fd, console, 0.1)
                if data == b"":
                    break
                if data:
                    out_log.write(data)
                    traced = self.answer_stops(traced + data)
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

    def answer_stops(self, data):
        """Answers each complete debugger stop in DATA at a magic breakpoint (the reason comes
        before the stop's `Next at t=`): with the capture's answer (the ring's dump), else
        with `c`; a stop that is also a caught time breakpoint gets no `c` of its own
        (drive() continues it). Returns the tail of DATA that may still belong to a stop."""
        parts = data.split(b"Next at t=")
        for reason in parts[:-1]:
            if MAGIC in reason:
                batch = self.capture.answer(self.m.workdir) if self.capture else b"c\n"
                if CAUGHT in reason:
                    batch = batch[:batch.rindex(b"c\n")]
                os.write(self.commands, batch)
        return parts[-1]

    def write_trace(self):
        """trace.out in the run directory: the records of the ring's dumps, in order."""
        wd = self.m.workdir
        try:
            data = self.capture.records(wd)
        except trace.TraceError as e:
            raise HarnessError("VM trace: %s" % e)
        with open(os.path.join(wd, "trace.out"), "wb") as f:
            f.write(data)

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
        for line in log.splitlines():
            if "shutdown requested" in line:
                # Bochs starts every log line with the emulated tick count: the stop's time.
                digits = line[:len(line) - len(line.lstrip("0123456789"))]
                return Ending("shutdown", tick=int(digits) if digits else None)
        fatal = [l for l in log.splitlines() if ">>PANIC<<" in l]
        if fatal:
            return Ending("fatal", fatal[0].split(">>PANIC<<", 1)[1].strip())
        last = [l.strip() for l in log.splitlines() if l.strip()]
        return Ending("exit", last[-1] if last else "")
