"""What every emulator backend shares: starting the emulator process in the run directory
and one wait for its output. One subclass per emulator (harness/bochs.py, harness/qemu.py)."""
import os
import shlex
import subprocess

from harness.common import EXIT_EMULATOR, HarnessError


class Backend:
    """One emulator. run(slots, res, console) starts it on the machine's run directory,
    drives it to its end, fills res.ticks, and returns an ending.Ending; the Machine owns
    the process handle (machine.proc) so that kill() and Ctrl-C work the same for every
    backend. check() raises one clear HarnessError when the emulator is not installed.
    MIN_IPS: the lowest instructions per emulated second it takes."""
    name = "?"
    MIN_IPS = 1

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
        emulator printed on fd, None if nothing, or b"" once it has exited (and is reaped).
        KeyboardInterrupt once the run is being aborted (Ctrl-C in another thread)."""
        if self.m.aborting():
            raise KeyboardInterrupt
        ready = self.m.link.wait([fd], timeout, console)
        console.poll()
        if fd not in ready:
            return None
        data = os.read(fd, 65536)
        if not data:
            self.reap()
        return data

    def reap(self):
        """Waits for the emulator that has exited and records its CPU seconds (user and
        system, its whole process) in machine.emulator_cpu: what make bench's floor counts
        per test."""
        p = self.m.proc
        if p.returncode is not None:
            return
        try:
            _, status, usage = os.wait4(p.pid, 0)
        except ChildProcessError:       # reaped elsewhere
            p.wait()
            return
        p.returncode = os.waitstatus_to_exitcode(status)
        self.m.emulator_cpu = usage.ru_utime + usage.ru_stime
