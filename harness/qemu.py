"""The QEMU backend: QEMU with instruction counting, its limits in host seconds."""
import math
import os
import subprocess
import time

from harness import debug
from harness.backend import Backend
from harness.common import HarnessError, find_program
from harness.console import POWER_OFF_LINE
from harness.ending import Ending

APT_QEMU = "apt-get install -y qemu-system-x86"


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
            cmd += ["-serial", "tcp:127.0.0.1:%d" % m.link.listen()]
        else:
            cmd += ["-serial", "file:console.out"]
        # The power-off statistics' channel (harness/console.py, Console).
        cmd += ["-parallel", "file:stats.out"]
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
        m.link.drain(console)
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
