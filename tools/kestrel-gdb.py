# gdb commands that show Kestrel's threads, processes, page records and frames by reading
# kernel memory only: none of them calls a kernel function on the target (gdb's
# `p thread_current()` does, on a kernel stopped at a breakpoint, and may panic it).
# Sourced by tools/gdbinit; documented in docs/debugging.md.
#
#   kthread [TID]    a thread (default: the running one) and its process
#   kthreads         every thread
#   kprocess [TID]   a user process: name, exit record, children, open fds, address space
#   kpages [TID]     the page records (supplemental page table) of a process, by address
#   kframes          the frames that hold user pages, with the pages mapping each
#   $kthread()       convenience function: the running thread (struct thread *), so
#                    `p *$kthread()->process` works without running kernel code

import gdb

THREAD_STATUS = {0: "running", 1: "ready", 2: "blocked", 3: "dying"}
THREAD_MAGIC = 0x4B657374
KERN_BASE = 0x8004000000
PGSIZE = 4096
SWAP_NONE = 0xFFFFFFFF


def kv(expr):
    """Value of EXPR, evaluated by gdb (symbol and memory reads only)."""
    try:
        return gdb.parse_and_eval(expr)
    except gdb.error as e:
        raise gdb.GdbError("cannot read %s: %s (is gdb attached, with tools/gdbinit?)" % (expr, e))


def static_var(file, name):
    """The file-scope static NAME of src/.../FILE."""
    return kv("'%s'::%s" % (file, name))


def current_thread():
    """The running thread (thread.c's `thread_running`), checked against its magic."""
    t = kv("thread_running")
    if int(t) == 0:
        raise gdb.GdbError("no current thread yet (the kernel has not run thread_init)")
    return t


def list_items(lst, struct, member):
    """The STRUCT pointers on gdb value LST (a struct list), linked by MEMBER."""
    stype = gdb.lookup_type(struct)
    offset = int(kv("(unsigned long)&((%s *)0)->%s" % (struct, member)))
    head = int(lst["head"].address)
    e = lst["head"]["next"]
    items = []
    while int(e) != head and int(e) != 0:
        items.append(gdb.Value(int(e) - offset).cast(stype.pointer()))
        e = e["next"]
        if len(items) > 100000:
            raise gdb.GdbError("list at %#x does not end (corrupt?)" % head)
    return items


def all_threads():
    return list_items(static_var("thread.c", "all_list"), "struct thread", "all_elem")


def thread_by_arg(arg):
    """The thread named by ARG (a tid), or the running one when ARG is empty."""
    arg = arg.strip()
    if not arg:
        return current_thread()
    try:
        tid = int(arg, 0)
    except ValueError:
        raise gdb.GdbError("expected a thread id (a number), not %r" % arg)
    for t in all_threads():
        if int(t["tid"]) == tid:
            return t
    raise gdb.GdbError("no thread with tid %d (kthreads lists them)" % tid)


def cstr(v):
    """The NUL-terminated text of char array V (bytes shown as Latin-1)."""
    try:
        raw = bytes(gdb.selected_inferior().read_memory(int(v.address), v.type.sizeof))
    except gdb.error:
        return "?"
    return raw.split(b"\0")[0].decode("latin-1")


def symbol_at(addr):
    """Name of the kernel symbol at ADDR (for page-type tables), or the address."""
    if addr == 0:
        return "-"
    try:
        s = gdb.execute("info symbol %#x" % addr, to_string=True).split()
        return s[0] if s and s[0] != "No" else "%#x" % addr
    except gdb.error:
        return "%#x" % addr


def thread_line(t):
    status = THREAD_STATUS.get(int(t["status"]), str(int(t["status"])))
    magic = int(t["magic"])
    proc = t["process"]
    pname = cstr(proc["name"]) if int(proc) else "-"
    warn = "" if magic == THREAD_MAGIC else "  MAGIC %#x: stack overflow or not a thread" % magic
    return "%5d  %-16s %-8s %#x  process %s%s" % (int(t["tid"]), cstr(t["name"]), status,
                                                   int(t), pname, warn)


class KThread(gdb.Command):
    """kthread [TID]: the running thread (or thread TID): tid, name, status, struct thread
address, kernel stack, process. Reads memory only."""

    def __init__(self):
        super().__init__("kthread", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        t = thread_by_arg(arg)
        print(" tid  name             status   thread")
        print(thread_line(t))
        print("       kernel stack block %#x, saved rsp %#x, user rsp %#x, pml4 %#x"
              % (int(t["stack_base"]), int(t["saved_rsp"]), int(t["user_rsp"]), int(t["pml4"])))
        if int(t["process"]):
            print("       p *(struct process *)%#x    (or: kprocess %d)" % (int(t["process"]), int(t["tid"])))


class KThreads(gdb.Command):
    """kthreads: every thread of the all-threads list; `*` marks the running one."""

    def __init__(self):
        super().__init__("kthreads", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        cur = int(current_thread())
        print("    tid  name             status   thread")
        for t in all_threads():
            print(("* " if int(t) == cur else "  ") + thread_line(t))


def process_of(arg):
    t = thread_by_arg(arg)
    p = t["process"]
    if int(p) == 0:
        raise gdb.GdbError("thread %d (%s) is a kernel thread: no process"
                           % (int(t["tid"]), cstr(t["name"])))
    return t, p


class KProcess(gdb.Command):
    """kprocess [TID]: the user process of the running thread (or of thread TID): name, exit
record, children, open descriptors, address space."""

    def __init__(self):
        super().__init__("kprocess", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        t, p = process_of(arg)
        print("process %s (struct process *)%#x, thread %d" % (cstr(p["name"]), int(p), int(t["tid"])))
        rec = p["record"]
        if int(rec):
            print("  exit record %#x: tid %d, status %d, refs %d"
                  % (int(rec), int(rec["tid"]), int(rec["status"]), int(rec["refs"])))
        kids = list_items(p["children"], "struct process_record", "elem")
        print("  children not yet waited for: %s" % (", ".join(
            "tid %d%s" % (int(r["tid"]), " (exited %d)" % int(r["status"]) if int(r["exited"]["value"]) else "")
            for r in kids) or "none"))
        fds = p["fds"]
        n = fds.type.range()[1] + 1
        kinds = {0: "console in", 1: "console out", 2: "file"}
        opened = []
        for i in range(n):
            o = fds[i]
            if int(o):
                opened.append("%d:%s" % (i, kinds.get(int(o["kind"]), "?")))
        print("  open fds: %s" % (" ".join(opened) or "none"))
        s = p["space"]
        if int(s):
            print("  address space (struct vm_space *)%#x: pml4 %#x, %d page records, %d ranges"
                  % (int(s), int(s["pml4"]), int(s["spt"]["page_cnt"]), int(s["ranges"]["count"])))
        else:
            print("  no address space yet")


def space_pages(s):
    """Every struct page * of vm_space S's supplemental page table, by address."""
    spt = s["spt"]
    pages = []
    buckets = spt["buckets"]
    for i in range(int(spt["bucket_cnt"])):
        pg = buckets[i]
        while int(pg):
            pages.append(pg)
            pg = pg["hash_next"]
            if len(pages) > 1000000:
                raise gdb.GdbError("page table chain does not end (corrupt?)")
    pages.sort(key=lambda pg: int(pg["va"]))
    return pages


def frame_index(f):
    base = int(static_var("frame.c", "frames"))
    size = gdb.lookup_type("struct frame").sizeof
    return (int(f) - base) // size


def frame_kva(idx):
    return int(static_var("frame.c", "frame_base_pa")) + idx * PGSIZE + KERN_BASE


class KPages(gdb.Command):
    """kpages [TID]: the page records (supplemental page table) of the running process (or
of thread TID's), by user address: type, rights, where the contents are (a frame, a swap
slot, or not yet loaded)."""

    def __init__(self):
        super().__init__("kpages", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        t, p = process_of(arg)
        s = p["space"]
        if int(s) == 0:
            raise gdb.GdbError("process %s has no address space yet" % cstr(p["name"]))
        pages = space_pages(s)
        print("%d page records of %s (struct vm_space *)%#x" % (len(pages), cstr(p["name"]), int(s)))
        print("  user address        type          rights  contents")
        for pg in pages:
            ops = symbol_at(int(pg["ops"])).replace("vm_", "").replace("_ops", "").replace("_page", "")
            rights = "rw" if bool(pg["writable"]) else "r-"
            f = pg["frame"]
            if int(f):
                idx = frame_index(f)
                where = "frame %d (kva %#x, %d mapping)" % (idx, frame_kva(idx), int(f["refs"]))
            elif int(pg["slot"]) != SWAP_NONE:
                where = "swap slot %d" % int(pg["slot"])
            else:
                where = "not resident" if bool(pg["touched"]) else "not loaded yet"
            print("  %#018x  %-13s %-7s %s" % (int(pg["va"]), ops, rights, where))


class KFrames(gdb.Command):
    """kframes: the frames of the user pool that hold pages: index, kernel address, pins,
and every (process, user address) mapping it."""

    def __init__(self):
        super().__init__("kframes", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        frames = static_var("frame.c", "frames")
        cnt = int(static_var("frame.c", "frame_cnt"))
        owners = {}
        for t in all_threads():
            if int(t["process"]) and int(t["process"]["space"]):
                owners[int(t["process"]["space"])] = cstr(t["process"]["name"])
        used = 0
        print("frame  kernel address      pins  pages (process:user address)")
        for i in range(cnt):
            f = frames[i]
            pg = f["rmap"]
            if not int(pg) and not int(f["pinned"]):
                continue
            used += 1
            maps = []
            while int(pg) and len(maps) < 64:
                maps.append("%s:%#x" % (owners.get(int(pg["space"]), "space %#x" % int(pg["space"])),
                                        int(pg["va"])))
                pg = pg["rmap_next"]
            print("%5d  %#018x  %4d  %s" % (i, frame_kva(i), int(f["pinned"]), " ".join(maps) or "-"))
        print("%d of %d frames in use" % (used, cnt))


class KThreadFunction(gdb.Function):
    """$kthread(): the running thread, a struct thread * read from memory (no kernel code
runs), e.g. p *$kthread()->process"""

    def __init__(self):
        super().__init__("kthread")

    def invoke(self):
        return current_thread()


KThread()
KThreads()
KProcess()
KPages()
KFrames()
KThreadFunction()
