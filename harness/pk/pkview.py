"""The VM page of a Pintos-KAIST test, from what the emulator saw (docs/grading-pintos.md).

    python3 -m harness pintos --kernel BUILD --tree PK --tests 'bad-read' --view

Kestrel's page (harness/view.py) draws the kernel's own VM trace; a Pintos-KAIST kernel has
none, so this one is drawn from the emulator alone. The test runs a second time (after the
graded run) with a Bochs linear breakpoint on the kernel's page-fault entry, the stub its
IDT gives vector 14 (`intr0e_stub`, from kernel.o's symbols). At each stop the debugger
prints the control registers (`creg`: CR2, the faulting address; CR3, the address space)
and the three words the CPU pushed (`x /3gx rsp`: the error code, the faulting rip and
cs; Intel SDM vol. 3A, 6.14.2 and 4.7), and the emulated time is Bochs's tick count at the
stop; then it continues. Every fault becomes a fault record of harness/trace.py's decoded
form (process: one per CR3, in order of first fault; kind: `write-protect` for a write to
a present page, else `other`, since only the kernel knows how it resolved it), plus the
test program's ELF segments and Pintos-KAIST's stack reservation for the address-space
bands. The page's `pf_total` is checked against the page faults Bochs itself reported in
the same run (`show dbg_all`, as the graded run counts them).

A breakpoint stop moves where later timer interrupts land (Bochs syncs its timers at every
stop), so the view's run can interleave differently from the graded one; its console is
not graded. The page is `<results>/tests/<suite>/<test>.html`.
"""
import os
import re
import struct

from harness import view
from harness.common import HarnessError
from harness.pk import emu, tree

PF_ENTRY = "intr0e_stub"         # Pintos-KAIST's threads/intr-stubs.S, vector 0x0e
USER_STACK = 0x47480000          # Pintos-KAIST's include/threads/vaddr.h
STACK_LIMIT = 1 << 20            # the stack reservation drawn (Pintos-KAIST's vm project: 1 MB)
INTRO = ("Every page fault the CPU raised while this Pintos-KAIST kernel ran the test, as the "
         "emulator saw it: the faulting address (CR2), read or write, user or kernel, the "
         "address space (CR3; one process per address space) and the emulated time (Bochs's "
         "instruction count). Only the kernel knows how it resolved each fault, so there are no "
         "kinds, frames or evictions; a write to a present page is drawn as write-protect, "
         "everything else as other. Address-space bands: the test program's ELF segments and "
         "the stack reservation. Pick a fault with the slider or the buttons (or the arrow keys).")
CR2_RE = re.compile(r"CR2=page fault laddr=0x([0-9a-f]+)")
CR3_RE = re.compile(r"CR3=0x([0-9a-f]+)")
DUMP_RE = re.compile(r"^0x[0-9a-f]+ <[^>]*>:\t(.*)$")


class FaultCapture:
    """The hook emu.run() takes (view=): the page-fault breakpoint's setup, the lines Bochs
    prints, and the answer at each of its stops. faults: one dict per stop (t, cr2, cr3,
    error, rip, cs), in order."""

    def __init__(self, entry):
        self.entry = entry
        self.faults = []
        self.marker = b""
        self.ours = False       # our breakpoint was reported since the last stop
        self.other = False      # ... and another stop reason (time or power-off breakpoint)

    def setup(self, spin):
        """Debugger commands after emu's own: our breakpoint gets number 2 (a placeholder
        takes 1 when there is no power-off breakpoint, which emu's drive loop owns)."""
        self.marker = b"Breakpoint 2,"
        pad = b"" if spin else b"lb 0xffffffffffffffff\n"
        return pad + b"lb 0x%x\n" % self.entry

    def feed(self, line):
        """Every line Bochs prints, in order."""
        if self.marker and self.marker in line:
            self.ours = True
        elif b"Caught time breakpoint" in line or b"Breakpoint 1," in line:
            self.other = True
        if not self.faults:
            return
        f = self.faults[-1]
        text = line.decode("latin-1")
        m = CR2_RE.search(text)
        if m and "cr2" not in f:
            f["cr2"] = int(m.group(1), 16)
        m = CR3_RE.search(text)
        if m and "cr3" not in f:
            f["cr3"] = int(m.group(1), 16)
        m = DUMP_RE.match(text)
        if m and "error" not in f:
            words = [int(v, 16) for v in re.findall(r"0x([0-9a-f]+)", m.group(1))]
            if len(words) >= 2:
                f["error"], f["rip"] = words[0], words[1]
        elif m and "cs" not in f and "error" in f:
            words = re.findall(r"0x([0-9a-f]+)", m.group(1))
            if words:
                f["cs"] = int(words[0], 16)

    def at_stop(self, now, cmds):
        """At a stop's `Next at t=`: answers ours (the batch, continued unless the stop is
        also one of emu's); True when emu's loop must not count it."""
        ours, other = self.ours, self.other
        self.ours = self.other = False
        if not ours:
            return False
        self.faults.append({"t": now})
        os.write(cmds, b"creg\nx /3gx rsp\n" + (b"" if other else b"c\n"))
        return not other


def elf_segments(path):
    """[(vaddr, memsz, filesz, writable)] of an ELF64 file's PT_LOAD headers, [] if unreadable."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return []
    if data[:4] != b"\x7fELF" or data[4] != 2:
        return []
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    out = []
    for i in range(phnum):
        p_type, p_flags, _, vaddr, _, filesz, memsz, _ = struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type == 1:
            out.append((vaddr, memsz, filesz, bool(p_flags & 2)))
    return out


def records(cap, program, name):
    """The decoded records (harness/trace.py's dict form) of the faults CAP saw."""
    out = [{"type": "start", "tid": 0, "space": 0, "tsc": 0, "frames": 0, "swap": 0,
            "frame_table": 0, "user_pool": 0}]
    procs = {}                  # cr3 -> pseudo process number
    segs = elf_segments(program) if program else []
    for f in cap.faults:
        if "cr2" not in f or "error" not in f:
            continue            # the run ended inside this stop
        cr3 = f.get("cr3", 0)
        if cr3 not in procs:
            procs[cr3] = pid = len(procs) + 1
            base = {"tid": pid, "space": cr3, "tsc": f["t"], "frames": 0, "swap": 0}
            for va, memsz, filesz, w in segs:
                out.append(dict(base, type="segment", va=va, len=memsz, filesz=filesz, writable=w))
            out.append(dict(base, type="stack", va=USER_STACK - STACK_LIMIT, len=STACK_LIMIT,
                            filesz=0, writable=True))
            out.append(dict(base, type="exec", name=name))
        err = f["error"]
        out.append({"type": "fault", "tid": procs[cr3], "space": cr3, "tsc": f["t"], "frames": 0,
                    "swap": 0, "va": f["cr2"], "write": bool(err & 2), "user": bool(err & 4),
                    "present": bool(err & 1), "kind": "write-protect" if err & 3 == 3 else "other",
                    "cost": [], "result": "?", "frame": None, "rip": f.get("rip", 0)})
    for n, r in enumerate(out):
        r["n"] = n
        r["line"] = line(r)
    return out


def line(r):
    """One line of text per record, as harness/trace.py writes Kestrel's."""
    head = "#%d t=%d %s cr3=%#x" % (r["n"], r["tsc"], r["type"], r["space"])
    if r["type"] == "fault":
        return "%s va=%#x %s %s %s rip=%#x" % (
            head, r["va"], "write" if r["write"] else "read", "user" if r["user"] else "kernel",
            "present" if r["present"] else "not-present", r["rip"])
    if r["type"] in ("segment", "stack"):
        return "%s %#x+%#x%s" % (head, r["va"], r["len"], " writable" if r["writable"] else "")
    if r["type"] == "exec":
        return "%s %s" % (head, r["name"])
    return head


def write_page(test, kernel_build, spin, ips, out_dir, timeout=None):
    """Runs TEST (a tree.TestCommand) once more with the page-fault capture and writes its
    page; (path, faults on the page, faults Bochs reported)."""
    entry = tree.kernel_symbols(kernel_build).get(PF_ENTRY)
    if entry is None:
        raise HarnessError("--view: no %s in %s/kernel.o (the page-fault entry the page is "
                           "drawn from)" % (PF_ENTRY, kernel_build))
    cap = FaultCapture(entry)
    r = emu.run(test, os.path.join(kernel_build, "os.dsk"), spin=spin, ips=ips,
                count_faults=True, timeout=timeout, view=cap)
    program = next((h for h, g in test.puts if g == getattr(test, "program", None)), None)
    recs = records(cap, program or (test.puts[0][0] if test.puts else None),
                   getattr(test, "program", "") or test.name.rsplit("/", 1)[-1])
    seen = sum((r.faults or {}).values())
    data = view.page_data(test.name + " (Pintos-KAIST, from the emulator)", recs,
                          {"pf_total": seen}, ips)
    data["intro"] = INTRO
    path = os.path.join(out_dir, test.name + ".html")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(view.render(data))
    return path, data["counts"]["pf_total"], seen
