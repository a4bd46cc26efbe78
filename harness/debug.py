"""Debugging runs of tools/pintos: QEMU's gdb stub, Bochs's built-in debugger with the
kernel's symbols, the saved emulator command line, and end of piped console input.

See docs/debugging.md for a session.
"""
import os
import shlex
import signal
import subprocess
import sys
import threading

from harness.common import BUILD, ROOT, HarnessError, rel

GDBINIT = os.path.join(ROOT, "tools", "gdbinit")
EOF_REPEAT = 16      # most Ctrl-D bytes sent after piped input ends


def save_command(workdir, cmd):
    """Writes the exact emulator command line, shell-quoted, to WORKDIR/command (run from
    WORKDIR). The file is removed with the run directory unless -k keeps it."""
    with open(os.path.join(workdir, "command"), "w") as f:
        f.write("cd %s && %s\n" % (shlex.quote(workdir), " ".join(shlex.quote(c) for c in cmd)))


def qemu_gdb_args(port):
    """QEMU options for a gdb stub on 127.0.0.1:PORT with the CPU stopped before the BIOS."""
    return ["-S", "-gdb", "tcp:127.0.0.1:%d" % port]


def gdb_attach_command(port):
    """The one command that attaches gdb, with the kernel's symbols, to a --gdb run."""
    cmd = "gdb -q -x %s -ex 'target remote 127.0.0.1:%d'" % (rel(GDBINIT), port)
    if os.path.abspath(os.getcwd()) != ROOT:
        cmd = "cd %s && %s" % (shlex.quote(ROOT), cmd)
    return cmd


def elf_symbols(elf, kinds):
    """[(address text, name)] of ELF's defined symbols whose nm type letter is in KINDS, in
    nm's order (binutils' nm)."""
    if not os.path.exists(elf):
        raise HarnessError("%s does not exist (run make first)" % rel(elf))
    try:
        out = subprocess.run(["nm", "--defined-only", elf], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, check=True).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        raise HarnessError("nm failed on %s; install binutils: apt-get install -y binutils" % rel(elf))
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in kinds:
            syms.append((parts[0], parts[2]))
    return syms


def write_symbols(elf, path):
    """Writes Bochs's symbol-file format ("ADDRESS NAME" per line) for ELF's functions and
    data objects."""
    syms = elf_symbols(elf, "tTdDbBrR")
    with open(path, "w") as f:
        for addr, name in syms:
            f.write("%s %s\n" % (addr, name))


def _copy_console(console, stop):
    """Copies the run's console (harness.console.Console, echoing) as it grows until STOP
    is set (the console of a debugger run)."""
    while True:
        done = stop.wait(0.1)
        console.poll()
        if done:
            break
    console.finish()


def run_bochs_debugger(machine, res):
    """Runs Bochs in MACHINE's prepared run directory with its debugger on this terminal and
    the kernel's symbol table loaded (so `lb "syscall_handler"` works and disassembly names
    functions). The console goes to console.out and is copied to stdout as it arrives.
    Ctrl-C goes to Bochs (it stops the simulation at the debugger prompt), not to us.
    Sets RES from the console: poweroff, panic, quit (the user quit the debugger, `q`,
    before power-off: Bochs's status 0), or error (Bochs failed; its complaint in detail)."""
    wd = machine.workdir
    write_symbols(os.path.join(BUILD, "kernel.elf"), os.path.join(wd, "kernel.sym"))
    with open(os.path.join(wd, "bochsrc"), "a") as f:
        f.write("debug_symbols: file=kernel.sym\n")
    cmd = ["bochs", "-q", "-f", "bochsrc"]
    save_command(wd, cmd)
    sys.stderr.write("pintos: Bochs debugger with the kernel's symbols (run directory %s).\n"
                     "pintos: try: lb \"syscall_handler\", c, bt, r, q (see docs/debugging.md)\n" % wd)
    sys.stderr.flush()
    stop = threading.Event()
    from harness.console import Console
    console = Console(os.path.join(wd, "console.out"), sys.stdout.buffer, True,
                      os.path.join(wd, "stats.out"))
    copier = threading.Thread(target=_copy_console, args=(console, stop), daemon=True)
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Bochs's stderr carries its start-up chatter (plugin loading, the sound library failing
    # to find a card): about 30 lines before the first prompt. The debugger's own prompt,
    # replies and errors are on stdout, which stays on the terminal.
    err_path = os.path.join(wd, "bochs.err")
    try:
        with open(err_path, "wb") as err:
            machine.proc = subprocess.Popen(cmd, cwd=wd, stderr=err,
                                            env=dict(os.environ, TERM="vt100"))
        copier.start()
        machine.proc.wait()
    except OSError as e:
        raise HarnessError("cannot start bochs: %s" % e.strerror)
    finally:
        signal.signal(signal.SIGINT, old)
        stop.set()
        if copier.is_alive():
            copier.join()
    res.console = console.data
    text = res.text()
    if "PANIC" in text:
        res.status = "panic"
        res.detail = [l for l in text.splitlines() if "PANIC" in l][0].strip()
    elif text.rstrip().endswith("Powering off..."):
        res.status = "poweroff"
    elif machine.proc.returncode == 0:
        res.status = "quit"
    else:
        res.status = "error"
        res.detail = "Bochs ended with status %d before the kernel powered off%s" % (
            machine.proc.returncode, bochs_complaint(err_path))


def bochs_complaint(path):
    """': LINE' with the last error, panic or fatal line Bochs wrote to PATH, or ''."""
    try:
        with open(path, "rb") as f:
            lines = f.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return ""
    bad = [l.strip() for l in lines if " " not in l[:12] and l[11:12] in ("e", "p")]
    bad += [l.strip() for l in lines if l.startswith(("FATAL", "ERROR", "PANIC"))]
    return ": " + bad[-1] if bad else ""


CTRL_C = b"\x03"
STOP_KEY = b"\x1d"      # Ctrl-]


CTRL_C_PATIENCE = 1.0   # seconds an unanswered Ctrl-C is given before a second one stops


def terminal_keys(machine, console, data):
    """Terminal input DATA as it goes to the console. Ctrl-C is the kernel's (it ends the
    running program, docs/abi.md); a second Ctrl-C at least CTRL_C_PATIENCE seconds after
    the first with no console output in between (nothing in the machine took it), or Ctrl-]
    at any time, stops the machine as SIGINT does (KeyboardInterrupt). A quick double
    Ctrl-C goes to the kernel twice: the echo of the first may still be on its way."""
    if STOP_KEY in data:
        raise KeyboardInterrupt
    if CTRL_C in data:
        import time
        now = time.monotonic()
        mark = getattr(machine, "ctrl_c_mark", None)
        if mark is not None and mark[0] == console.size:
            if now - mark[1] >= CTRL_C_PATIENCE:
                raise KeyboardInterrupt
            return data
        machine.ctrl_c_mark = (console.size, now)
    return data


def terminal_raw_keys(fd):
    """Puts terminal FD in cbreak mode without signal keys, so Ctrl-C reaches the kernel as
    a byte (terminal_keys); returns the settings to restore."""
    import termios
    import tty
    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)
    attrs = termios.tcgetattr(fd)
    attrs[3] &= ~termios.ISIG
    termios.tcsetattr(fd, termios.TCSANOW, attrs)
    return saved


def input_wanted(console):
    """True once the kernel takes console input: after `Boot complete.`. Bytes sent earlier
    can be lost while the UART is set up (QEMU drops the first); until then they wait in
    the terminal or the pipe."""
    if not getattr(console, "booted", False):
        console.booted = b"Boot complete." in console.data
    return console.booted


def send_end_of_input(machine, console):
    """After piped console input has ended: sends Ctrl-D (end of input on an empty line for
    the shell and cat), once at once and again after each new console output, at most
    EOF_REPEAT times, so a program that took one Ctrl-D still leaves one for the shell."""
    if not getattr(machine, "input_ended", False):
        return
    sent = getattr(machine, "eof_sent", 0)
    if sent >= EOF_REPEAT or getattr(machine, "eof_mark", None) == console.size:
        return
    try:
        machine.conn.sendall(b"\x04")
    except OSError:
        return
    machine.eof_sent = sent + 1
    machine.eof_mark = console.size
