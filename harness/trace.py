"""The VM trace: captured by the harness from Bochs's debugger, decoded here.

The kernel's VM hooks (src/vm/trace.h) each execute Bochs's magic breakpoint, `xchg %bx,%bx`,
with the event in registers, always: the CPU treats it as no operation, so the guest runs
the same instructions with the trace on or off. With the trace on (RunSpec.trace), the
harness runs Bochs with `magic_break: enabled=1`; at each stop it has Bochs's debugger print
the registers, the memory %rdx points at, the current thread's tid, the user-pool pages and
swap slots in use (addresses from the kernel's debug information, through gdb) and the
frame %r8 maps to, then continues (CAPTURE.batch). A debugger stop does not move emulated
time. After the run, records() turns that log into the records below, one per event, in
the order the guest executed them; the emulated time of an event is Bochs's tick count at
its stop (the TSC counts the same ticks), a fault's is the TSC when the fault began.

Registers at a stop (rax: type | x << 8 | flags << 16):

    type      x       flags            rdi       rsi       rcx        rdx        r8
    start                              frames    user pool
    fault     result  write|user<<1|   space     start tsc            counters   va
                      not-present<<2|
                      kernel's own<<3
    evict     kind    first page       space     va        slot                  frame kva
    swap-*                             slot                                      frame kva
    fork              fork mode        tid       space     child tid  child sp.
    exec                               space                          name
    exit                               space     status
    destroy                            space
    segment,          writable         space     start     length     file size
    stack, mmap, munmap

Each becomes a 40-byte little-endian record (the format of RESULTS/SUITE/NAME.trace):

    0 u8 type   1 u8 flags   2 u16 tid   4 u32 space (low half of its kernel address)
    8 u64 tsc  16 u64 va    24 u32 a    28 u32 b
   32 u32 user-pool pages in use   36 u32 swap slots in use

A fault record (type 2) is followed by 11 u32: the faulting process's counters after the
fault (FAULT_COUNTERS). A process's faults are resolved one after another (one thread per
process), so what moved since its previous fault record is this fault's kind and cost.

decode() turns the bytes into a list of dicts (one per record, with "n", its index, and
"line", a one-line text form); counts() sums the faults by kind as the STATS line does.

    python3 -m harness.trace FILE.trace        prints the text lines
"""

import os
import re
import shutil
import struct
import subprocess
import sys
import threading

from harness.common import BUILD, HarnessError

REC = struct.Struct("<BBHIQQIIII")
assert REC.size == 40
FAULT_COUNTERS = ["file", "zero", "stack", "swap-in", "write-protect", "invalid", "inherit",
                  "major", "minor", "cow-copy", "cow-reuse"]
FAULT_EXTRA = struct.Struct("<%dI" % len(FAULT_COUNTERS))

TYPES = {1: "start", 2: "fault", 3: "evict", 4: "swap-out", 5: "swap-in", 6: "fork",
         7: "exec", 8: "exit", 9: "segment", 10: "stack", 11: "mmap", 12: "munmap", 13: "destroy"}
KIND_KEYS = {"file": "pf_file", "zero": "pf_zero", "stack": "pf_stack", "swap-in": "pf_swapin",
             "write-protect": "pf_wp", "invalid": "pf_invalid", "inherit": "pf_inherit"}
COSTS = ["major", "minor", "cow-copy", "cow-reuse"]      # bits of the fault's cost byte
RESULTS = {0: "handled", 1: "invalid", 2: "oom", 3: "busy"}
EVICTS = {1: "swapped", 2: "written-back", 3: "dropped"}  # enum evict_kind
FORK_MODES = {0: "cow", 1: "eager", 2: "share", 3: "lazy"}
EVICT_KEYS = {"swapped": "evict_swap", "written-back": "evict_write", "dropped": "evict_drop"}
NO_FRAME = 0xFFFFFFFF
NO_SLOT = 0xFFFFFF
ENUM_NAMES = {"file": "VM_PF_FILE", "zero": "VM_PF_ZERO", "stack": "VM_PF_STACK",
              "swap-in": "VM_PF_SWAPIN", "write-protect": "VM_PF_WP", "invalid": "VM_PF_INVALID",
              "inherit": "VM_PF_INHERIT", "major": "VM_PF_MAJOR", "minor": "VM_PF_MINOR",
              "cow-copy": "VM_PF_WP_COPY", "cow-reuse": "VM_PF_WP_REUSE"}
# What the capture needs from the kernel's debug information: gdb expression per name.
LAYOUT = [("current", "(long)&'thread.c'::current"),
          ("tid", "(long)&((struct thread *)0)->tid"),
          ("upool_used", "(long)&'palloc.c'::user_pool.used_cnt"),
          ("swap_used", "(long)&'swap.c'::used_cnt"),
          ("vm_stats", "(long)&vm_stats"),
          ("proc_cnt", "(int)VM_PROC_CNT")] + [(k, "(int)" + v) for k, v in ENUM_NAMES.items()]
KERNEL_ELF = os.path.join(BUILD, "kernel.elf")


class TraceError(Exception):
    pass


def _name(raw):
    return raw.split(b"\0", 1)[0].decode("ascii", "replace")


def decode(data):
    """The records of a trace (bytes) as dicts; TraceError if it is not one."""
    out = []
    last = {}           # tid (None: global counters) -> counters after its previous fault
    pos = 0
    while pos < len(data):
        if pos + REC.size > len(data):
            raise TraceError("trace ends inside a record (%d bytes after record %d)"
                             % (len(data) - pos, len(out)))
        typ, flags, tid, space, tsc, va, a, b, frames, swap = REC.unpack_from(data, pos)
        pos += REC.size
        n = len(out)
        r = {"n": n, "type": TYPES.get(typ, "unknown-%d" % typ), "tid": tid, "space": space,
             "tsc": tsc, "frames": frames, "swap": swap}
        t = r["type"]
        if t.startswith("unknown"):
            raise TraceError("record %d has unknown type %d" % (n, typ))
        if t == "start":
            if va.to_bytes(8, "little") != b"KVMTRACE":
                raise TraceError("record %d is not a trace header" % n)
            r.update(frame_table=a, user_pool=b)
        elif t == "fault":
            if pos + FAULT_EXTRA.size > len(data):
                raise TraceError("trace ends inside fault record %d" % n)
            now = FAULT_EXTRA.unpack_from(data, pos)
            pos += FAULT_EXTRA.size
            key = None if flags & 8 else tid
            before = last.get(key, (0,) * len(FAULT_COUNTERS))
            last[key] = now
            moved = [c for c, x, y in zip(FAULT_COUNTERS, now, before) if x != y]
            kinds = [c for c in moved if c in KIND_KEYS]
            r.update(va=va, write=bool(flags & 1), user=bool(flags & 2), present=not flags & 4,
                     kind=kinds[-1] if kinds else "other",
                     cost=[c for c in COSTS if c in moved],
                     result=RESULTS.get(a, "?"), frame=None if b == NO_FRAME else b)
        elif t == "evict":
            slot = a >> 8
            r.update(va=va, how=EVICTS.get(a & 0xFF, "?"), frame=b, first=bool(flags & 1),
                     slot=None if slot == NO_SLOT else slot)
        elif t in ("swap-out", "swap-in"):
            r.update(slot=a, frame=None if b == NO_FRAME else b)
        elif t == "fork":
            r.update(child_tid=a, child_space=b, mode=FORK_MODES.get(flags, "?"))
        elif t == "exec":
            r.update(name=_name(va.to_bytes(8, "little") + a.to_bytes(4, "little")
                                + b.to_bytes(4, "little")))
        elif t == "exit":
            r.update(status=a - (1 << 32) if a >= 1 << 31 else a)
        elif t in ("segment", "stack", "mmap", "munmap"):
            r.update(va=va, len=a, filesz=b, writable=bool(flags & 1))
        r["line"] = line(r)
        out.append(r)
    if out and out[0]["type"] != "start":
        raise TraceError("the trace does not start with its header record")
    return out


def line(r):
    """One line of text for a decoded record."""
    t = r["type"]
    head = "#%d t=%d %s tid=%d" % (r["n"], r["tsc"], t, r["tid"])
    if t == "start":
        return "%s frame-table=%d user-pool=%d" % (head, r["frame_table"], r["user_pool"])
    if t == "fault":
        acc = "%s %s %s" % ("write" if r["write"] else "read", "user" if r["user"] else "kernel",
                            "present" if r["present"] else "not-present")
        fr = "frame=%d" % r["frame"] if r["frame"] is not None else "no frame"
        return "%s va=%#x %s kind=%s cost=%s -> %s %s" % (
            head, r["va"], acc, r["kind"], "+".join(r["cost"]) or "-", r["result"], fr)
    if t == "evict":
        return "%s space=%#x va=%#x frame=%d %s%s" % (
            head, r["space"], r["va"], r["frame"], r["how"],
            " slot=%d" % r["slot"] if r["slot"] is not None else "")
    if t in ("swap-out", "swap-in"):
        return "%s slot=%d frame=%s" % (head, r["slot"], r["frame"])
    if t == "fork":
        return "%s child=%d child-space=%#x mode=%s" % (head, r["child_tid"], r["child_space"], r["mode"])
    if t == "exec":
        return "%s space=%#x %s" % (head, r["space"], r["name"])
    if t == "exit":
        return "%s exit(%d)" % (head, r["status"])
    if t == "destroy":
        return "%s space=%#x destroyed" % (head, r["space"])
    if t in ("segment", "stack", "mmap", "munmap"):
        return "%s space=%#x %#x+%#x%s%s" % (head, r["space"], r["va"], r["len"],
                                             " filesz=%#x" % r["filesz"] if t == "segment" else "",
                                             " writable" if r["writable"] else "")
    return head


def counts(records):
    """Fault counters from the records, with the STATS line's keys (pf_total, pf_file, ...,
    pf_major, pf_minor, pf_wp_copy, pf_wp_reuse) and evict_*/swap_* counts."""
    c = {"pf_total": 0, "pf_major": 0, "pf_minor": 0, "pf_wp_copy": 0, "pf_wp_reuse": 0,
         "swap_in": 0, "swap_out": 0, "evict_swap": 0, "evict_write": 0, "evict_drop": 0}
    for k in KIND_KEYS.values():
        c[k] = 0
    for r in records:
        t = r["type"]
        if t == "fault":
            c["pf_total"] += 1
            if r["kind"] in KIND_KEYS:
                c[KIND_KEYS[r["kind"]]] += 1
            for cost, key in zip(COSTS, ("pf_major", "pf_minor", "pf_wp_copy", "pf_wp_reuse")):
                if cost in r["cost"]:
                    c[key] += 1
        elif t == "swap-out":
            c["swap_out"] += 1
        elif t == "swap-in":
            c["swap_in"] += 1
        elif t == "evict" and r["first"]:   # one eviction per frame, however many pages shared it
            c[EVICT_KEYS[r["how"]]] += 1
    return c

_layouts = {}                   # (elf, mtime) -> kernel_layout()
_layouts_lock = threading.Lock()


def kernel_layout(elf=KERNEL_ELF):
    """{name: value} for LAYOUT, read from ELF's debug information with gdb (once per file
    version); HarnessError (one line) when gdb, the file or a name is missing."""
    try:
        key = (elf, os.stat(elf).st_mtime_ns)
    except OSError as e:
        raise HarnessError("VM trace: cannot read the kernel %s: %s" % (elf, e.strerror))
    with _layouts_lock:
        if key in _layouts:
            return dict(_layouts[key])
    if not shutil.which("gdb"):
        raise HarnessError("the VM trace reads kernel addresses with gdb; install it with: "
                           "apt-get install -y gdb")
    cmd = ["gdb", "-batch", "-nx"]
    for _, expr in LAYOUT:
        cmd += ["-ex", "p " + expr]
    try:
        out = subprocess.run(cmd + [elf], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=60).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError) as e:
        raise HarnessError("VM trace: gdb failed on %s: %s" % (elf, e))
    values = [int(v) for v in re.findall(r"^\$\d+ = (-?\d+)$", out, re.M)]
    if len(values) != len(LAYOUT):
        errors = [l for l in out.splitlines() if l and not l.startswith("$")]
        raise HarnessError("VM trace: %s lacks what the trace reads (%s)"
                           % (elf, errors[0] if errors else "gdb printed %d of %d values"
                              % (len(values), len(LAYOUT))))
    layout = dict(zip((k for k, _ in LAYOUT), values))
    with _layouts_lock:
        _layouts[key] = layout
    return dict(layout)


class Capture:
    """How the Bochs backend captures a run's trace: `bochsrc` (lines for the run's
    bochsrc), `setup` (debugger commands before the first `c`), `marker` (what the debugger
    prints at a stop of ours), `batch` (the commands for each such stop, ending in `c`), and
    records(log), which turns the debugger's output into the trace's bytes."""
    bochsrc = ""
    setup = b""
    marker = b""
    batch = b"c\n"

    def records(self, log):
        raise NotImplementedError


REG_RE = re.compile(r"^(r[a-z0-9]+)\s*:\s*([0-9a-f]{8})_([0-9a-f]{8})", re.M)
DUMP_RE = re.compile(r"^0x[0-9a-f]+ <[^>\n]*>:(.*)$", re.M)
VALUE_RE = re.compile(r"^0x([0-9a-f]+) (\d+)$", re.M)
PAGE_RE = re.compile(r"linear page 0x([0-9a-f]+) maps to physical page 0x([0-9a-f]+)")
TIME_RE = re.compile(rb"Next at t=(\d+)")


def stops(log, marker):
    """(tick, text) for each debugger stop whose reason is marker: text runs from the stop
    to the next stop's `Next at t=` (what the batch printed there)."""
    text = log.decode("latin-1")
    times = [(m.start(), int(m.group(1))) for m in TIME_RE.finditer(log)]
    out = []
    for i, (pos, tick) in enumerate(times):
        before = times[i - 1][0] if i else 0
        if marker.decode() not in text[before:pos]:
            continue
        end = times[i + 1][0] if i + 1 < len(times) else len(text)
        out.append((tick, text[pos:end]))
    return out


class KestrelCapture(Capture):
    """Kestrel's VM trace: the magic breakpoints of src/vm/trace.h (module docstring)."""
    marker = b"Magic breakpoint"    # the Bochs backend enables magic breakpoints in every run

    def __init__(self, elf=KERNEL_ELF, layout=None):
        self.layout = L = layout or kernel_layout(elf)
        cur = L["current"]
        self.batch = ("r\nx /%dgx rdx\n? *(((*(%#x) << 32) | *(%#x)) + %d)\n? *(%#x)\n? *(%#x)\n"
                      "page r8\nc\n" % (max(L["proc_cnt"], 2), cur + 4, cur, L["tid"],
                                         L["upool_used"], L["swap_used"])).encode()

    def records(self, log):
        """The trace's bytes from the debugger's output LOG (bytes)."""
        L = self.layout
        out = []
        found = stops(log, self.marker)
        last = found[-1][0] if found else None
        for tick, text in found:
            regs = {m.group(1): int(m.group(2) + m.group(3), 16) for m in REG_RE.finditer(text)}
            words = []          # the memory dump (a failed read prints no values)
            for m in DUMP_RE.finditer(text):
                if m.group(1).startswith("\t"):
                    words += [int(v, 16) for v in re.findall(r"0x([0-9a-f]+)", m.group(1))]
            values = [int(v, 16) for v, _ in VALUE_RE.findall(text)]
            if "rax" not in regs or len(values) < 3:
                if tick == last:        # the run ended (a time limit) inside this stop
                    break
                raise TraceError("the debugger's output at tick %d is incomplete" % tick)
            tid, frames, swap = values[:3]
            page = PAGE_RE.search(text)
            frame = int(page.group(2), 16) >> 12 if page else NO_FRAME
            rax, rdi, rsi, rcx, rdx, r8 = (regs.get(r, 0) for r in ("rax", "rdi", "rsi", "rcx", "rdx", "r8"))
            typ, x, flags = rax & 0xFF, (rax >> 8) & 0xFF, (rax >> 16) & 0xFF
            t = TYPES.get(typ, "")
            space, tsc, va, a, b, extra = rdi, tick, 0, 0, 0, b""
            if t == "start":
                space, va, a, b = 0, int.from_bytes(b"KVMTRACE", "little"), rdi, rsi
            elif t == "fault":
                tsc, va, a, b = rsi, r8, x, frame if x == 0 else NO_FRAME
                if len(words) < L["proc_cnt"]:
                    raise TraceError("no counters at the fault at tick %d" % tick)
                extra = FAULT_EXTRA.pack(*(words[L[k]] & 0xFFFFFFFF for k in FAULT_COUNTERS))
            elif t == "evict":
                va, a, b = rsi, x | (rcx & NO_SLOT) << 8, frame
            elif t in ("swap-out", "swap-in"):
                space, a, b = 0, rdi, frame
            elif t == "fork":
                tid, space, a, b = rdi, rsi, rcx, rdx
            elif t == "exec":
                raw = b"".join(w.to_bytes(8, "little") for w in words[:2]).ljust(16, b"\0")
                va, a, b = (int.from_bytes(raw[:8], "little"), int.from_bytes(raw[8:12], "little"),
                            int.from_bytes(raw[12:16], "little"))
            elif t == "exit":
                a = rsi
            elif t in ("segment", "stack", "mmap", "munmap"):
                va, a, b = rsi, rcx, rdx
            elif t != "destroy":
                raise TraceError("unknown event type %d at tick %d" % (typ, tick))
            out.append(REC.pack(typ, flags, tid & 0xFFFF, space & 0xFFFFFFFF, tsc, va,
                                a & 0xFFFFFFFF, b & 0xFFFFFFFF, frames & 0xFFFFFFFF,
                                swap & 0xFFFFFFFF) + extra)
        return b"".join(out)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        sys.stderr.write("usage: python3 -m harness.trace FILE.trace\n")
        return 2
    try:
        with open(argv[0], "rb") as f:
            recs = decode(f.read())
    except OSError as e:
        sys.stderr.write("trace: cannot read %s: %s\n" % (argv[0], e.strerror))
        return 2
    except TraceError as e:
        sys.stderr.write("trace: %s: %s\n" % (argv[0], e))
        return 2
    try:
        for r in recs:
            print(r["line"])
    except BrokenPipeError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
