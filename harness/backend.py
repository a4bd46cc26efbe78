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
    backend. check() raises one clear HarnessError when the emulator is not installed."""
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
            self.m.proc.wait()
        return data
