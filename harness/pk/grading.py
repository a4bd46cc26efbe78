"""Pintos's own grading of the outputs: each test's .ck checker, then make-grade.

Exactly what a Pintos-KAIST build directory's `make grade` runs, with the trusted tree as
SRCDIR: `perl -I SRC SRC/<test>.ck <test> <test>.result` in a directory holding
<test>.output, the `results` file of `pass`/`FAIL` lines (PASS as the first line of a
.result is a pass, as tests/Make.tests compares it), and `SRC/tests/make-grade SRC
results GRADING`. The score is therefore the one Pintos's `make grade` gives these outputs.
"""
import os
import subprocess

from harness.common import HarnessError


def check_perl():
    from harness.common import find_program
    if not find_program("perl"):
        raise HarnessError("perl not found (Pintos's checkers are Perl); install it with: apt-get install -y perl")


def write_output(results, name, console):
    """Writes <results>/<name>.output (and an empty .errors, as the launcher's stderr)."""
    path = os.path.join(results, name + ".output")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(console)
    with open(os.path.join(results, name + ".errors"), "wb"):
        pass
    return path


def check(src, results, name):
    """Runs the tree's checker of test name on its .output; returns (passed, .result text)."""
    ck = os.path.join(src, name + ".ck")
    if not os.path.exists(ck):
        raise HarnessError("the trusted tree has no checker %s" % ck)
    result = os.path.join(results, name + ".result")
    try:
        os.unlink(result)
    except OSError:
        pass
    env = dict(os.environ, PATH=os.path.join(src, "utils") + os.pathsep + os.environ.get("PATH", ""))
    p = subprocess.run(["perl", "-I" + src, ck, name, name + ".result"], cwd=results,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       env=env, timeout=300)
    try:
        with open(result, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        text = "FAIL\nthe checker wrote no .result (perl status %d): %s\n" % (
            p.returncode, p.stdout.decode("utf-8", "replace").strip()[-300:])
        with open(result, "w") as f:
            f.write(text)
    first = text.split("\n", 1)[0]
    return first == "PASS", text


def write_results(results, verdicts):
    """The `results` file make writes: `pass NAME` / `FAIL NAME` in test order."""
    path = os.path.join(results, "results")
    with open(path, "w") as f:
        for name, ok in verdicts:
            f.write("%s %s\n" % ("pass" if ok else "FAIL", name))
    return path


def make_grade(src, results, grading):
    """The text of make-grade on the results file (what `make grade` prints and saves)."""
    script = os.path.join(src, "tests", "make-grade")
    p = subprocess.run(["perl", script, src, "results", grading], cwd=results,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    text = p.stdout.decode("utf-8", "replace")
    if p.returncode:
        raise HarnessError("make-grade failed: %s" % p.stderr.decode("utf-8", "replace").strip()[-300:])
    with open(os.path.join(results, "grade"), "w") as f:
        f.write(text)
    return text


def total(grade_text):
    """The percentage of make-grade's `TOTAL TESTING SCORE: X%` line, or None."""
    import re
    m = re.search(r"^TOTAL TESTING SCORE: (\d+(?:\.\d+)?)%", grade_text, re.M)
    return float(m.group(1)) if m else None
