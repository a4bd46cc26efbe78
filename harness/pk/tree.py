"""A Pintos-KAIST project as its own Makefiles describe it.

A built project directory is <tree>/<project>/build (threads, userprog, vm, filesys): it
holds os.dsk (loader + kernel), kernel.o and, once made, the test programs. Everything a
test needs is asked of GNU make in that directory, so the harness follows the tree's own
make.tests variables (TIMEOUT, MEMORY, SWAP_DISK, PUTFILES, KERNELFLAGS, ARGS) instead of
restating them: `make -n` prints each test's `pintos ...` command line, which
parse_command() reads the way the Pintos-KAIST launcher would.
"""
import hashlib
import os
import re
import shlex
import shutil
import subprocess

from harness.common import ROOT, HarnessError

PROJECTS = ("threads", "userprog", "vm", "filesys")
MAKE_CC = "gcc -fcommon"        # gcc 12: tests/lib.c declares test_name without a value
PRINT_RULE = "print-%: ; @echo $($*)"
TREE_CACHE = os.path.join(ROOT, "build", "pintos-kaist", "trees")


class TestCommand:
    """One test as its Makefile runs it. name: tests/<suite>/<test>; puts: [(host, guest)]
    with host absolute; words: the kernel command line as the launcher would write it
    (puts inserted before the first non-option word); fs_mb/swap_mb: disk sizes in the
    launcher's units or None (no disk)."""

    def __init__(self, name):
        self.name = name
        self.timeout = 0
        self.mem = 256
        self.fs_mb = None
        self.swap_mb = None
        self.puts = []
        self.gets = []
        self.kernel_args = []

    @property
    def words(self):
        """The launcher's kernel argument order: options, then `put NAME` per file, then
        the actions, then `get NAME` per file."""
        args = list(self.kernel_args)
        i = 0
        while i < len(args) and args[i].startswith("-"):
            i += 1
        out = args[:i]
        for _, guest in self.puts:
            out += ["put", guest]
        out += args[i:]
        for guest, _ in self.gets:
            out += ["get", guest]
        return out

    @property
    def program(self):
        """The test's own program name (the word after `run`), or the test name."""
        return self.name.rsplit("/", 1)[-1]


def make_env():
    """The environment for the tree's own make: without the variables an enclosing make
    passes down (`make check TESTS=...` would set the tree's TESTS through MAKEFLAGS)."""
    return {k: v for k, v in os.environ.items()
            if k not in ("MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES", "MAKELEVEL", "MAKE_TERMOUT", "MAKE_TERMERR")}


def run_make(build, targets, extra=(), dry=False):
    """stdout of `make [-n] targets` in build; HarnessError with make's last line on failure."""
    cmd = ["make", "-s", "--no-print-directory", "CC=" + MAKE_CC] + list(extra)
    if dry:
        cmd += ["-n", "-W", "os.dsk"]
    cmd += list(targets)
    try:
        p = subprocess.run(cmd, cwd=build, env=make_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=900)
    except FileNotFoundError:
        raise HarnessError("make not found; install it with: apt-get install -y make")
    except subprocess.TimeoutExpired:
        raise HarnessError("make %s in %s took more than 15 minutes" % (" ".join(targets)[:60], build))
    if p.returncode:
        last = [l for l in p.stderr.decode("utf-8", "replace").splitlines() if l.strip()][-1:]
        raise HarnessError("make %s failed in %s%s" % (" ".join(targets)[:60], build,
                                                     ": " + last[0] if last else ""))
    return p.stdout.decode("utf-8", "replace")


def make_vars(build, names):
    """{name: value} of make variables of the project in build."""
    out = run_make(build, ["print-" + n for n in names], ["--eval", PRINT_RULE])
    lines = out.split("\n")
    return {n: (lines[i].strip() if i < len(lines) else "") for i, n in enumerate(names)}


def int_arg(text, what, name):
    try:
        return int(text)
    except ValueError:
        raise HarnessError("%s: launcher option %s takes a number, not %r" % (name, what, text))


def parse_command(line):
    """A TestCommand from one `pintos ... -- ARGS < /dev/null 2> T.errors > T.output` line
    of `make -n` (the options of Pintos-KAIST's utils/pintos); None for other lines."""
    try:
        words = shlex.split(line)
    except ValueError:
        return None
    if not words or words[0] != "pintos":
        return None
    name = None
    for i, w in enumerate(words):
        if w == ">" and i + 1 < len(words) and words[i + 1].endswith(".output"):
            name = words[i + 1][:-len(".output")]
    if name is None:
        return None
    for i, w in enumerate(words):
        if w in ("<", ">", "2>", "|"):
            words = words[:i]
            break
    t = TestCommand(name)
    opts, kargs = words[1:], []
    if "--" in opts:
        k = opts.index("--")
        opts, kargs = opts[:k], opts[k + 1:]
    t.kernel_args = kargs
    i = 0
    while i < len(opts):
        w = opts[i]
        val = None
        if "=" in w and w.startswith("--"):
            w, val = w.split("=", 1)

        def value():
            nonlocal i, val
            if val is not None:
                return val
            i += 1
            if i >= len(opts):
                raise HarnessError("%s: launcher option %s lacks its value" % (name, w))
            return opts[i]
        if w in ("-v", "--no-vga", "-k", "--kill-on-failure", "-t", "--threads-tests"):
            pass
        elif w in ("-T", "--timeout"):
            t.timeout = int_arg(value(), w, name)
        elif w in ("-m", "--memory"):
            t.mem = int_arg(value(), w, name)
        elif w == "--fs-disk":
            t.fs_mb = int_arg(value(), w, name)
        elif w == "--swap-disk":
            t.swap_mb = int_arg(value(), w, name)
        elif w in ("-p", "--put-file"):
            parts = value().split(":")
            t.puts.append((parts[0], parts[1] if len(parts) > 1 else parts[0]))
        elif w in ("-g", "--get-file"):
            parts = value().split(":")
            t.gets.append((parts[0], parts[1] if len(parts) > 1 else parts[0]))
        else:
            raise HarnessError("%s: launcher option %r is not one Pintos-KAIST's pintos takes" % (name, w))
        i += 1
    return t


class Project:
    """A built project: build (the directory make runs in), src (the tree's root), tests
    ([TestCommand] in the Makefile's order), grading (the Grading file), kind (its name)."""

    def __init__(self, build):
        self.build = os.path.abspath(build)
        self.src = os.path.dirname(os.path.dirname(self.build))
        self.kind = os.path.basename(os.path.dirname(self.build))
        self.tests = []
        self.grading = None

    def test(self, name):
        for t in self.tests:
            if t.name == name:
                return t
        return None


def resolve_build(path, what="--kernel"):
    """<project>/build from a path naming the build directory or the project directory."""
    path = os.path.abspath(path)
    if not os.path.isdir(path):
        raise HarnessError("%s %s: no such directory" % (what, path))
    if os.path.basename(path) != "build" and os.path.isdir(os.path.join(path, "build")):
        path = os.path.join(path, "build")
    if not os.path.exists(os.path.join(path, "os.dsk")):
        raise HarnessError("%s %s: no os.dsk there; give a built Pintos-KAIST project "
                           "(<tree>/<project>/build after `make CC=\"%s\"`)" % (what, path, MAKE_CC))
    return path


def load_project(build, need_files=True):
    """The Project in build (resolve_build first). need_files: make every file a test puts
    that does not exist yet (generated inputs such as tests/vm/zeros; the test programs)."""
    p = Project(build)
    v = make_vars(build, ["TESTS", "EXTRA_GRADES", "GRADING_FILE"])
    names = v["TESTS"].split()
    if not names:
        raise HarnessError("%s: its Makefiles list no TESTS (not a Pintos-KAIST project?)" % build)
    if v["EXTRA_GRADES"].split():
        raise HarnessError("%s: EXTRA_GRADES (persistence tests) are not supported yet" % build)
    p.grading = os.path.normpath(os.path.join(build, v["GRADING_FILE"]))
    out = run_make(build, [n + ".output" for n in names], dry=True)
    cmds = {}
    for line in out.splitlines():
        t = parse_command(line)
        if t:
            cmds[t.name] = t
    missing = [n for n in names if n not in cmds]
    if missing:
        raise HarnessError("%s: make -n gave no pintos command for %s" % (build, missing[0]))
    p.tests = [cmds[n] for n in names]
    want = []
    for t in p.tests:
        for host, _ in t.puts:
            if not os.path.exists(os.path.join(build, host)):
                want.append(host)
    if want and need_files:
        run_make(build, sorted(set(want)))
    for t in p.tests:
        t.puts = [(os.path.normpath(os.path.join(build, h)), g) for h, g in t.puts]
    return p


def copy_tree(src, dst):
    """Copies the source tree SRC (not its build folders) to DST, writable by us: the
    published tree may be read-only (../shared in CI), and the copy is built in place."""
    shutil.copytree(src, dst, symlinks=True, ignore=shutil.ignore_patterns("build"))
    for d, _, files in os.walk(dst):
        os.chmod(d, 0o755)
        for f in files:
            fp = os.path.join(d, f)
            if not os.path.islink(fp):
                os.chmod(fp, os.stat(fp).st_mode | 0o200)


def trusted_build(tree, kind):
    """The build directory of project kind in a private built copy of the pristine source
    tree (made once, under build/pintos-kaist/trees/; make brings it up to date)."""
    tree = os.path.abspath(tree)
    if not os.path.isdir(os.path.join(tree, kind)) or not os.path.exists(os.path.join(tree, "tests", "tests.pm")):
        raise HarnessError("--tree %s: not a Pintos-KAIST source tree with a %s/ project "
                           "(its tests/tests.pm and %s/ are missing)" % (tree, kind, kind))
    key = hashlib.sha1(tree.encode()).hexdigest()[:12]
    copy = os.path.join(TREE_CACHE, key)
    stamp = os.path.join(copy, ".kestrel-source")
    if not os.path.exists(stamp):
        if os.path.exists(copy):
            shutil.rmtree(copy)
        os.makedirs(TREE_CACHE, exist_ok=True)
        copy_tree(tree, copy)
        with open(stamp, "w") as f:
            f.write(tree + "\n")
    proj = os.path.join(copy, kind)
    build = os.path.join(proj, "build")
    if not os.path.exists(os.path.join(build, "os.dsk")):
        run_make(proj, [])
    return build


def kernel_symbols(build):
    """{name: address} of the kernel's global text symbols (from kernel.o via nm), or {}."""
    path = os.path.join(build, "kernel.o")
    if not os.path.exists(path):
        return {}
    try:
        out = subprocess.run(["nm", path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             timeout=60).stdout.decode("ascii", "replace")
    except (OSError, subprocess.TimeoutExpired):
        return {}
    syms = {}
    for line in out.splitlines():
        m = re.match(r"^([0-9a-fA-F]+) [tT] (\S+)$", line)
        if m:
            syms[m.group(2)] = int(m.group(1), 16)
    return syms


def power_off_spin(build):
    """The address of the endless loop power_off() ends in (after its write to QEMU's
    power-off port, which Bochs ignores), or None. Found in kernel.o's code: the first
    backward jump that stays inside power_off (the `for (;;);` that ends it)."""
    syms = kernel_symbols(build)
    start = syms.get("power_off")
    if start is None:
        return None
    try:
        out = subprocess.run(["objdump", "-d", "--start-address=0x%x" % start,
                              "--stop-address=0x%x" % (start + 512), os.path.join(build, "kernel.o")],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in out.decode("ascii", "replace").splitlines():
        m = re.match(r"^\s*([0-9a-f]+):\s+(?:[0-9a-f]{2} )+\s*(\S+)\s*(.*)$", line)
        if not m:
            continue
        addr, op, rest = int(m.group(1), 16), m.group(2), m.group(3)
        if op.startswith("jmp"):
            t = re.match(r"^([0-9a-f]+)", rest)
            if t and start <= int(t.group(1), 16) <= addr:
                return int(t.group(1), 16)
        if op.startswith("ret"):
            break
    return None
