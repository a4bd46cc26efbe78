"""The VM trace: the records the kernel keeps in its ring, collected by the harness, decoded here.

The kernel's VM hooks (src/vm/trace.h, trace_ring.h, trace.c) write one record per event
straight into a ring in kernel memory, always: the kernel has no trace switch. When the next record
would not fit, and once before the power-off statistics, the kernel executes Bochs's magic
breakpoint, `xchg %bx,%bx`, with the ring's address in %rdi and its valid length (a u32 byte
count, then the records) in %rsi, and then empties the ring. The Bochs backend runs every
run with `magic_break: enabled=1`, so a run stops at the same few points with the trace on
or off (a stop moves where later timer interrupts land: stopping only when tracing would
change the run). Off, a stop is answered `c`; on (RunSpec.trace), KestrelCapture answers
`writemem "trace-NNNN.bin" rdi rsi` and `c`, and after the run records() joins the dumps'
records, in order, into trace.out. A stop costs the host about 0.3 ms; a 64 KB ring holds
1,638 records, so even a swap test with tens of thousands of events stops a few dozen times.

Each record is 40 bytes, little-endian (the format of RESULTS/SUITE/NAME.trace):

    0 u8 type   1 u8 flags   2 u16 tid   4 u32 space (low half of its kernel address)
    8 u64 tsc  16 u64 va    24 u32 a    28 u32 b
   32 u32 user-pool pages in use   36 u32 swap slots in use

By type (flags, a, b; va where it is not an address):
    1 start     va "KVMTRACE", a frame-table size, b user-pool size
   14 frames    va the frame table's kernel address, a the size of its entries, b the
                physical frame number of entry 0 (second record: how frame references map
                to frame numbers)
    2 fault     flags bit 0 write, 1 user, 2 not present, 3-4 result (RESULTS), 5 it read
                a swap slot (decode() puts that swap-in record, 5, before it); tsc when it
                began; a: bits 0-12 MOVED, the process's counters that moved since its
                previous fault record, one bit per src/vm/vm.h enum vm_stat (MOVED_BITS):
                the fault's kind and cost; bits 13-31 the slot read + 1 (its low 19 bits);
                b the frame mapped after it (a frame reference)
    3 evict     one per page of the evicted frame; flags bit 0 its first page, bit 1 (on
                the first page's) the frame was written to the slot now: decode() puts a
                swap-out record (4) before it; a: how (low byte, EVICTS) and the page's
                swap slot above it; b the frame (reference)
    4 swap-out, 5 swap-in: not written by the kernel; decode() makes them (slot, frame)
    6 fork      tid the parent, flags fork mode, a child tid, b child space
    7 exec      va, a, b: the program name (16 bytes, NUL-padded)
    8 exit      a status        13 destroy
    9 segment, 10 stack, 11 mmap, 12 munmap   va start, a length, b bytes from the file,
                flags bit 0 writable
A frame reference is the low half of the kernel address of the frame's entry in the frame
table (a store, where a frame number would cost the kernel a division); decode() turns it
into the frame number with the frames record.

decode() turns the bytes into a list of dicts (one per record, with "n", its index, and
"line", a one-line text form); counts() sums the faults by kind as the STATS line does.

    python3 -m harness.trace FILE.trace        prints the text lines
"""

import os
import struct
import sys

REC = struct.Struct("<BBHIQQIIII")
assert REC.size == 40
# A fault record's MOVED bits: bit K is counter K of enum vm_stat (src/vm/vm.h); the ones a
# fault's kind and cost are read from.
MOVED_BITS = {1: "file", 2: "zero", 3: "stack", 4: "swap-in", 5: "write-protect", 6: "invalid",
              12: "inherit", 7: "major", 8: "minor", 9: "cow-copy", 10: "cow-reuse"}
KIND_ORDER = ["file", "zero", "stack", "swap-in", "write-protect", "invalid", "inherit"]

TYPES = {1: "start", 2: "fault", 3: "evict", 4: "swap-out", 5: "swap-in", 6: "fork",
         7: "exec", 8: "exit", 9: "segment", 10: "stack", 11: "mmap", 12: "munmap", 13: "destroy",
         14: "frames"}
KIND_KEYS = {"file": "pf_file", "zero": "pf_zero", "stack": "pf_stack", "swap-in": "pf_swapin",
             "write-protect": "pf_wp", "invalid": "pf_invalid", "inherit": "pf_inherit"}
COSTS = ["major", "minor", "cow-copy", "cow-reuse"]      # bits of the fault's cost byte
RESULTS = {0: "handled", 1: "invalid", 2: "oom", 3: "busy"}
EVICTS = {1: "swapped", 2: "written-back", 3: "dropped"}  # enum evict_kind
FORK_MODES = {0: "cow", 1: "eager", 2: "share", 3: "lazy"}
EVICT_KEYS = {"swapped": "evict_swap", "written-back": "evict_write", "dropped": "evict_drop"}
NO_FRAME = 0xFFFFFFFF
NO_SLOT = 0xFFFFFF


class TraceError(Exception):
    pass


def _name(raw):
    return raw.split(b"\0", 1)[0].decode("ascii", "replace")


def decode(data):
    """The records of a trace (bytes) as dicts; TraceError if it is not one."""
    out = []
    table = None        # (table address low half, entry size, frame of entry 0): frames record
    pos = 0

    def frame_no(ref):
        if ref == NO_FRAME:
            return None
        if table is None:
            return ref
        return table[2] + ((ref - table[0]) & 0xFFFFFFFF) // table[1]

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
        elif t == "frames":
            if a == 0:
                raise TraceError("record %d (frames) has entries of size 0" % n)
            table = (va & 0xFFFFFFFF, a, b)
            r.update(table=va, entry=a, base=b)
        elif t == "fault":
            moved = {name for bit, name in MOVED_BITS.items() if a & 1 << bit}
            kinds = [c for c in KIND_ORDER if c in moved]
            r.update(va=va, write=bool(flags & 1), user=bool(flags & 2), present=not flags & 4,
                     kind=kinds[-1] if kinds else "other",
                     cost=[c for c in COSTS if c in moved],
                     result=RESULTS[flags >> 3 & 3], frame=frame_no(b))
            if flags & 0x20:    # it read a swap slot: that swap-in, before it
                w = {"n": n, "type": "swap-in", "tid": tid, "space": 0, "tsc": tsc,
                     "frames": frames, "swap": swap, "slot": (a >> 13) - 1, "frame": r["frame"]}
                w["line"] = line(w)
                out.append(w)
                r["n"] = n = n + 1
        elif t == "evict":
            slot = a >> 8
            r.update(va=va, how=EVICTS.get(a & 0xFF, "?"), frame=frame_no(b), first=bool(flags & 1),
                     slot=None if slot == NO_SLOT else slot)
            if flags & 2:       # the frame was written to that slot: its swap-out, before it
                w = {"n": n, "type": "swap-out", "tid": tid, "space": 0, "tsc": tsc,
                     "frames": frames, "swap": swap, "slot": r["slot"], "frame": r["frame"]}
                w["line"] = line(w)
                out.append(w)
                r["n"] = n = n + 1
        elif t in ("swap-out", "swap-in"):
            raise TraceError("record %d: the kernel writes no %s records" % (n, t))
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
    if t == "frames":
        return "%s table=%#x entry=%d frame0=%d" % (head, r["table"], r["entry"], r["base"])
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


MAGIC = b"Magic breakpoint"     # what Bochs's debugger prints at `xchg %bx,%bx`


class KestrelCapture:
    """Kestrel's VM trace: at each magic breakpoint (module docstring) Bochs writes the ring
    (address %rdi, %rsi bytes) to the next trace-NNNN.bin of the run directory."""

    def __init__(self):
        self.dumps = []

    def answer(self, workdir):
        name = "trace-%04d.bin" % (len(self.dumps) + 1)
        self.dumps.append(name)
        return b'writemem "%s" rdi rsi\nc\n' % name.encode()

    def records(self, workdir):
        """The records of every dump, in order; TraceError when a dump is missing or short
        (except the last: a run ended by its time limit inside the stop)."""
        out = []
        for i, name in enumerate(self.dumps):
            try:
                with open(os.path.join(workdir, name), "rb") as f:
                    data = f.read()
            except OSError as e:
                if i == len(self.dumps) - 1:
                    break
                raise TraceError("cannot read the ring dump %s: %s" % (name, e.strerror))
            used = int.from_bytes(data[:4], "little") if len(data) >= 4 else -1
            if used < 0 or len(data) < 4 + used:
                if i == len(self.dumps) - 1:
                    break
                raise TraceError("the ring dump %s is short (%d bytes)" % (name, len(data)))
            out.append(data[4:4 + used])
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
