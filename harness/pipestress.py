"""Piped console input under load: `printf 'halt\\n' | tools/pintos ... -- run shell`, many
times, a few at a time; every run must end with `Powering off...` and status 0.

usage: python3 -m harness.pipestress [--runs N] [--jobs J] [--input TEXT]
       (default: 200 runs, 4 at a time, input `halt\\n`; the programs of build/programs on
       the disk, as `make run` puts them there)

Prints one line per failed run (its status and console tail) and a summary; exit status 1
if any run lost output or failed.
"""
import glob
import os
import subprocess
import sys
import threading

from harness.common import BUILD, ROOT, HarnessError, die, take_count
from harness.console import POWER_OFF_LINE


def one_run(argv, data):
    """(status, stdout) of one launcher run fed DATA on a pipe."""
    p = subprocess.run(argv, input=data, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    return p.returncode, p.stdout


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    runs, jobs, text = 200, 4, "halt\n"
    try:
        it = iter(argv)
        for a in it:
            if a in ("--runs", "--jobs"):
                v = take_count(a, it)
                if a == "--runs":
                    runs = v
                else:
                    jobs = v
            elif a == "--input":
                text = next(it, "").encode().decode("unicode_escape")
            else:
                raise HarnessError("unknown argument %s (usage: python3 -m harness.pipestress "
                                   "[--runs N] [--jobs J] [--input TEXT])" % a)
        programs = sorted(glob.glob(os.path.join(BUILD, "programs", "*")))
        if not programs:
            raise HarnessError("no programs in build/programs (run make first)")
    except HarnessError as e:
        die("pipestress", e)
    cmd = [sys.executable, os.path.join(ROOT, "tools", "pintos"), "-T", "0"]
    for p in programs:
        cmd += ["-p", p]
    cmd += ["--", "run", "shell"]
    lock = threading.Lock()
    state = {"next": 0, "bad": 0, "done": 0}

    def worker():
        while True:
            with lock:
                if state["next"] >= runs:
                    return
                state["next"] += 1
                n = state["next"]
            status, out = one_run(cmd, text.encode())
            text_out = out.decode("utf-8", "replace")
            ok = status == 0 and POWER_OFF_LINE in text_out.splitlines()
            with lock:
                state["done"] += 1
                if not ok:
                    state["bad"] += 1
                    tail = " | ".join(text_out.strip().splitlines()[-3:])
                    print("run %d: status %d: %s" % (n, status, tail), flush=True)
    threads = [threading.Thread(target=worker) for _ in range(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("%d runs, %d at a time: %d lost output or failed" % (state["done"], jobs, state["bad"]))
    return 1 if state["bad"] else 0


if __name__ == "__main__":
    sys.exit(main())
