"""Shared paths, constants and the error type of the Kestrel harness."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
EXPECTED = os.path.join(ROOT, "expected")
TESTS_SRC = os.path.join(ROOT, "src", "tests")
RESULTS = os.path.join(BUILD, "results")

SECTOR = 512
CYLINDER = 16 * 63 * SECTOR

DEFAULT_IPS = 100000000      # Bochs instructions per emulated second (bochsrc default)
DEFAULT_MEM_MB = 20
DEFAULT_TIMEOUT = 60         # "harness seconds": see docs/harness.md, Timeouts
DEFAULT_QUIET = 30           # harness seconds without console output
DEFAULT_FS_MB = 4
FS_NAME_MAX = 14             # bytes in a file-system name

# Exit statuses of tools/pintos (also the run statuses the runner sees).
EXIT_POWEROFF = 0
EXIT_USAGE = 2
EXIT_PANIC = 3
EXIT_TRIPLE = 4
EXIT_TIMEOUT = 5
EXIT_EMULATOR = 6
EXIT_INTERRUPTED = 130


class HarnessError(Exception):
    """A problem with the user's input or the host; printed as one line, never a traceback."""

    def __init__(self, message, status=EXIT_USAGE):
        Exception.__init__(self, message)
        self.status = status


def take_count(flag, it):
    """The whole number at least 1 that follows FLAG in the argument iterator IT; a
    HarnessError naming FLAG otherwise."""
    try:
        v = int(next(it, ""))
    except ValueError:
        raise HarnessError("%s takes a number" % flag)
    if v < 1:
        raise HarnessError("%s must be at least 1" % flag)
    return v


def rel(path):
    """Path relative to the repository when inside it (for messages)."""
    try:
        r = os.path.relpath(path, ROOT)
    except ValueError:
        return path
    return path if r.startswith("..") else r


def nearest(name, candidates, n=3):
    """Up to n candidate names that look like name (for 'did you mean' messages)."""
    import difflib          # here, not at the top: the launcher's start-up does not need it
    close = difflib.get_close_matches(name, candidates, n=n, cutoff=0.5)
    if not close and "/" not in name:
        short = {c.rsplit("/", 1)[-1]: c for c in candidates}
        close = [short[c] for c in difflib.get_close_matches(name, list(short), n=n, cutoff=0.5)]
    return close


def find_program(name):
    """The path of executable name on PATH, or None (shutil.which without importing shutil,
    which pulls in the compression modules: the launcher starts faster without them)."""
    for d in os.environ.get("PATH", os.defpath).split(os.pathsep):
        path = os.path.join(d or ".", name)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def make_private_dir(prefix, base=None):
    """A new directory (mode 0700) named prefix + random hex under base (default $TMPDIR
    or /tmp); tempfile.mkdtemp without importing tempfile."""
    base = base or os.environ.get("TMPDIR") or "/tmp"
    while True:
        path = os.path.join(base, prefix + os.urandom(5).hex())
        try:
            os.mkdir(path, 0o700)
            return path
        except FileExistsError:
            continue


def remove_tree(path):
    """Removes path and everything below it, ignoring what is already gone."""
    try:
        entries = list(os.scandir(path))
    except OSError:
        entries = []
    for e in entries:
        try:
            if e.is_dir(follow_symlinks=False):
                remove_tree(e.path)
            else:
                os.unlink(e.path)
        except OSError:
            pass
    try:
        os.rmdir(path)
    except OSError:
        pass


def die(prog, err):
    """Prints one line for a HarnessError and exits with its status."""
    sys.stdout.flush()
    sys.stderr.write("%s: %s\n" % (prog, err))
    sys.exit(getattr(err, "status", EXIT_USAGE))
