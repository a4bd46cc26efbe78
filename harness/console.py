"""The kernel's console as the harness sees it: the fixed lines of its protocol, the bytes
as they arrive (Console), and the interactive link that relays the terminal (Link)."""
import os
import re
import select

from harness import debug

# The console protocol's fixed lines (docs/design.md, console protocol): the one definition
# the launcher's classification and the verdict both use.
BANNER = "Kestrel booting"                       # start of the boot banner line
BANNER_RE = re.compile(r"^%s with \d+ kB RAM\.\.\.$" % BANNER)
BANNER_FORM = "%s with N kB RAM..." % BANNER     # the banner as messages name it
BOOT_DONE_LINE = "Boot complete."
POWER_OFF_LINE = "Powering off..."


class Console:
    """The console as it arrives: from a file Bochs/QEMU append to, or fed by a socket.

    With CHANNEL (the file the emulator's parallel port writes), the kernel's power-off
    statistics that went there are put back where the kernel wrote them: the kernel
    (main/shutdown.c) lets the serial line send everything before them first, writes them
    to the parallel port, and then sends only `Powering off...` on the serial line. So the
    channel's bytes go after every console byte read before them, except the start of that
    last line. The console is read before the channel, so a console that already holds part
    of that line has a channel that is complete."""

    POWER_OFF = (POWER_OFF_LINE + "\n").encode()

    def __init__(self, path, echo, from_file=True, channel=None):
        self.path = path
        self.echo = echo
        self.from_file = from_file
        self.channel = channel
        self.data = b""
        self.f = None
        self.cf = None
        self.channel_seen = False

    @property
    def size(self):
        return len(self.data)

    def add(self, data):
        """Appends bytes that came over a socket (also to the run directory's file)."""
        with open(self.path, "ab") as f:
            f.write(data)
        self._take(data)

    def _echo(self, data):
        if self.echo is not None and data:
            try:
                self.echo.write(data)
                self.echo.flush()
            except (BrokenPipeError, ValueError):
                self.echo = None      # the reader went away (| head): keep running quietly

    def _emit(self, data):
        if data:
            self.data += data
            self._echo(data)

    def _read_channel(self):
        """What the parallel-port file gained since the last look (b"" without one)."""
        if self.channel is None:
            return b""
        if self.cf is None:
            try:
                self.cf = open(self.channel, "rb")
            except OSError:
                return b""
        return self.cf.read()

    def _power_off_start(self, data):
        """Where in DATA (new console bytes) the power-off line starts, if DATA ends with a
        line-initial start of it; else len(DATA)."""
        for k in range(min(len(data), len(self.POWER_OFF)), 0, -1):
            cut = len(data) - k
            at_line_start = data[cut - 1:cut] == b"\n" if cut else self.data[-1:] in (b"", b"\n")
            if at_line_start and self.POWER_OFF.startswith(data[cut:]):
                return cut
        return len(data)

    def _take(self, data):
        """New console bytes, in order with the channel's (read after them)."""
        extra = self._read_channel()
        if extra and not self.channel_seen:
            self.channel_seen = True
            cut = self._power_off_start(data)
            self._emit(data[:cut])
            self._emit(extra)
            self._emit(data[cut:])
            return
        self._emit(extra)
        self._emit(data)

    def poll(self):
        """Takes in what the emulator has appended to the console file (and to the channel)
        since the last poll."""
        if not self.from_file:
            return
        if self.f is None:
            try:
                self.f = open(self.path, "rb")
            except OSError:
                return
        self._take(self.f.read())

    def finish(self):
        """The last of the console, and a channel no console byte came after."""
        self.poll()
        self._take(b"")
        for attr in ("f", "cf"):
            if getattr(self, attr):
                getattr(self, attr).close()
                setattr(self, attr, None)


def read_run_console(workdir):
    """The console text of a finished run in WORKDIR (console.out, with the parallel port's
    stats.out put in its place as Console does), for runs made without a Console."""
    c = Console(os.path.join(workdir, "console.out"), None, True,
                os.path.join(workdir, "stats.out"))
    c.finish()
    return c.data


def clear_run_console(workdir):
    """Removes a run directory's console files before the same machine boots again."""
    for name in ("console.out", "stats.out"):
        path = os.path.join(workdir, name)
        if os.path.exists(path):
            os.remove(path)


class PtyConn:
    """The harness's end (master) of a pseudo-terminal that an emulator uses as its serial
    line, with the calls Link makes on a socket (fileno, recv, sendall, close). The harness
    keeps the emulator's end (slave) open too, so reading never sees a hang-up: what the
    emulator wrote before it exited stays readable."""

    def __init__(self):
        import tty          # interactive runs only
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)          # no echo, no line editing, bytes as they are
        os.set_blocking(self.master, False)
        self.path = os.ttyname(self.slave)

    def fileno(self):
        return self.master

    def recv(self, size):
        try:
            return os.read(self.master, size)
        except BlockingIOError:
            raise
        except OSError:
            return b""

    def sendall(self, data):
        while data:
            try:
                data = data[os.write(self.master, data):]
            except BlockingIOError:
                select.select([], [self.master], [], 1.0)

    def close(self):
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


class Link:
    """The waits of a run: for the emulator's output, and in an interactive run for the
    console (a pseudo-terminal, or a socket the emulator connects to) and the terminal's
    input, which it relays to the guest."""

    def __init__(self, stdin_open):
        self.listener = None
        self.conn = None
        self.stdin_open = stdin_open
        self.input_ended = False

    def open_pty(self):
        """A pseudo-terminal for an interactive console; returns the path of the emulator's
        end. Bochs uses it (its serial `term` mode): a byte Bochs has written is in the
        pseudo-terminal at once, while over TCP the last bytes could still wait in Bochs's
        socket (small writes held for an acknowledgement) when it exited, and input it had
        not read yet (the end-of-input Ctrl-D) made that exit a reset that discarded them."""
        self.conn = PtyConn()
        return self.conn.path

    def listen(self):
        """A listening socket on 127.0.0.1 for an interactive console; returns its port."""
        import socket       # interactive runs only
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        return self.listener.getsockname()[1]

    def drain(self, console):
        """Reads what a socket console still holds once the emulator has stopped: without
        it, the tail of an interactive run (a panic message, the power-off line) is lost
        and the run misjudged."""
        while self.conn and self.wait([], 0.05, console):
            pass

    def wait(self, fds, timeout, console):
        """One wait of at most timeout seconds for fds; returns the fds ready. Takes in
        socket console output and relays terminal input on the way."""
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

    def close(self):
        for sock in (self.conn, self.listener):
            if sock:
                try:
                    sock.close()
                except OSError:
                    pass
