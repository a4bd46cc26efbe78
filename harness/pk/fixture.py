"""The grading fixtures: Pintos-KAIST's published skeleton plus Kestrel's own small patch
(harness/tests/fixtures/pintos-kaist/fixture.patch: halt, exit, write to the console,
argument passing, a one-child process_wait), and kernels broken on purpose from it.

python3 -m harness.pk.fixture [DEST]   builds them (default build/pintos-kaist/fixture)

The source is ../shared/pintos-kaist next to the repository (or $PINTOS_KAIST_SRC); it is
copied, never built in place. Layout under DEST:
  tree/                      the patched tree, userprog built (tree/userprog/build)
  kernels/<name>/userprog/build/{os.dsk,kernel.o}   one kernel per entry of BROKEN
  ckedit/                    a whole submitted tree: the `exit` kernel in userprog/build,
                             tests/userprog/exit.ck edited to pass anything (it must
                             still FAIL under --tree)
"""
import hashlib
import os
import shutil
import subprocess
import sys

from harness.common import ROOT, HarnessError, die
from harness.pk import tree

FIXTURE_DIR = os.path.join(ROOT, "harness", "tests", "fixtures", "pintos-kaist")
PATCH = os.path.join(FIXTURE_DIR, "fixture.patch")
DEFAULT_DEST = os.path.join(ROOT, "build", "pintos-kaist", "fixture")

# name: (file, text, replacement). Each is one edit of the patched tree.
BROKEN = {
    # The exit line reports the wrong status: every test's output is wrong.
    "exit": ("userprog/process.c", 'printf ("%s: exit(%d)\\n", curr->name, fixture_status);',
             'printf ("%s: exit(%d)\\n", curr->name, fixture_status + 1);'),
    # A panic on the first write.
    "panic": ("userprog/syscall.c", "putbuf ((const char *) f->R.rsi, f->R.rdx);",
              'PANIC ("fixture: deliberate panic in write");'),
    # Never powers off: main() just exits its thread and the machine idles forever.
    "nopoweroff": ("threads/init.c", "if (power_off_when_done)\n\t\tpower_off ();", ""),
    # Garbage forever after the test, never powering off.
    "garbage": ("threads/init.c", "if (power_off_when_done)\n\t\tpower_off ();",
                'for (;;)\n\t\tprintf ("\\x01\\xfe garbage \\x7f\\n");'),
}
CK_EDIT = "use strict;\nuse warnings;\nuse tests::tests;\npass;\n"


def source():
    """The published Pintos-KAIST tree; HarnessError (loud, one line) when it is missing."""
    src = os.environ.get("PINTOS_KAIST_SRC") or os.path.normpath(os.path.join(ROOT, "..", "shared", "pintos-kaist"))
    if not os.path.exists(os.path.join(src, "tests", "tests.pm")):
        raise HarnessError("the Pintos-KAIST source is missing at %s (set PINTOS_KAIST_SRC to "
                           "a checkout of casys-kaist/pintos-kaist)" % src)
    return src


def stamp_text(src):
    h = hashlib.sha1()
    with open(PATCH, "rb") as f:
        h.update(f.read())
    h.update(repr(sorted(BROKEN.items())).encode() + CK_EDIT.encode() + src.encode())
    return h.hexdigest()


def run(cmd, cwd, what):
    p = subprocess.run(cmd, cwd=cwd, env=tree.make_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if p.returncode:
        tail = p.stdout.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise HarnessError("%s failed in %s: %s" % (what, cwd, " | ".join(tail)))


def edit(path, old, new):
    with open(path) as f:
        text = f.read()
    if text.count(old) != 1:
        raise HarnessError("fixture edit: %r is not once in %s" % (old[:40], path))
    with open(path, "w") as f:
        f.write(text.replace(old, new))
    return text


def build(dest=DEFAULT_DEST):
    """Builds (or reuses, when the patch and recipes are unchanged) every fixture; dest."""
    src = source()
    stamp = os.path.join(dest, ".stamp")
    want = stamp_text(src)
    try:
        with open(stamp) as f:
            if f.read().strip() == want:
                return dest
    except OSError:
        pass
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    t = os.path.join(dest, "tree")
    tree.copy_tree(src, t)
    run(["patch", "-p1", "-s", "-i", PATCH], t, "patch")
    proj = os.path.join(t, "userprog")
    make = ["make", "-s", "CC=" + tree.MAKE_CC]
    run(make, proj, "make")
    for name, (rel, old, new) in sorted(BROKEN.items()):
        path = os.path.join(t, rel)
        orig = edit(path, old, new)
        try:
            run(make + ["-C", "build", "os.dsk"], proj, "make (%s kernel)" % name)
            out = os.path.join(dest, "kernels", name, "userprog", "build")
            os.makedirs(out)
            for f in ("os.dsk", "kernel.o"):
                shutil.copy(os.path.join(proj, "build", f), out)
        finally:
            with open(path, "w") as f:
                f.write(orig)
    run(make + ["-C", "build", "os.dsk"], proj, "make (fixture kernel again)")
    ck = os.path.join(dest, "ckedit")
    shutil.copytree(t, ck, symlinks=True)
    for f in ("os.dsk", "kernel.o"):
        shutil.copy2(os.path.join(dest, "kernels", "exit", "userprog", "build", f),
                     os.path.join(ck, "userprog", "build", f))
    with open(os.path.join(ck, "tests", "userprog", "exit.ck"), "w") as f:
        f.write(CK_EDIT)
    with open(stamp, "w") as f:
        f.write(want + "\n")
    return dest


if __name__ == "__main__":
    try:
        print(build(os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DEST))
    except HarnessError as e:
        die("fixture", e)
