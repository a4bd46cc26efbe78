#!/usr/bin/env python3
"""Kestrel VM benchmark (`make bench`).

Runs the VM workload programs under Bochs (deterministic: clock sync=none, fixed time0)
and reports, per workload:

  * page faults by kind (file, zero, stack, swap-in, write-protect, invalid) against the
    number of distinct pages that ever received a frame (pages_touched): with lazy
    loading every touched page faults at most once per residency, so faults <= touched
    (the eager first stack page and fork copies are touched without a fault);
  * the distinct pages the workload says it touched (bench programs print it), next to
    the kernel's count;
  * the peak number of user frames in use (frames_peak) against pages_touched;
  * emulated cycles per fault (fault_cycles / handled faults; under Bochs the TSC counts
    one per executed instruction, plus idle time spent waiting for the disk);
  * user, kernel and idle timer ticks, and cycles from "Boot complete." to power-off.

Workloads: every test section with `bench = yes` in src/tests/*/tests.cfg, or, if none is
marked, a default set of VM tests. Names on the command line override both.

Outputs: a table on stdout, build/results/bench.json and build/results/bench.svg.

usage: vmbench.py [--ips N] [--jobs N] [--seed N] [--results DIR] [TEST...]
"""
import argparse
import configparser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
DEFAULT_WORKLOADS = ["page-linear", "page-shuffle", "page-merge-seq", "page-parallel",
                     "fork-lazy", "lazy-file", "lazy-zero", "exec-big"]
CYL_BYTES = 16 * 63 * 512


def load_tests():
    """{name: (suite, section)} for every test section of every user suite."""
    tests = {}
    tdir = os.path.join(ROOT, "src", "tests")
    for suite in sorted(os.listdir(tdir)):
        path = os.path.join(tdir, suite, "tests.cfg")
        if suite == "threads" or not os.path.exists(path):
            continue
        cfg = configparser.ConfigParser(inline_comment_prefixes=(";", "#"))
        cfg.read(path)
        for s in cfg.sections():
            tests[s] = (suite, cfg[s])
    return tests


def find_program(name):
    for d in ("tests/vm", "tests/userprog", "programs"):
        p = os.path.join(BUILD, d, name)
        if os.path.exists(p):
            return p
    for d in os.listdir(os.path.join(BUILD, "tests")):
        p = os.path.join(BUILD, "tests", d, name)
        if os.path.exists(p):
            return p
    p = os.path.join(ROOT, "src", "tests", name)
    return p if os.path.exists(p) else None


def pad_cylinders(path):
    size = os.path.getsize(path)
    if size % CYL_BYTES:
        with open(path, "ab") as f:
            f.write(b"\0" * (CYL_BYTES - size % CYL_BYTES))
    return os.path.getsize(path) // CYL_BYTES


def run_one(name, suite, sec, args):
    """Boots Kestrel on workload NAME; returns a result dict (console text included)."""
    cmdline = sec.get("cmdline", name)
    files = sec.get("files", cmdline.split()[0]).split()
    mem = int(sec.get("mem", "20"))
    swap = int(sec.get("swap", "0"))
    timeout = int(sec.get("timeout", "60"))
    kargs = sec.get("kernel_args", "").split()
    if args.seed:
        kargs.append("-seed=%d" % args.seed)
    work = tempfile.mkdtemp(prefix="vmbench-")
    try:
        boot = os.path.join(work, "boot.img")
        shutil.copy(os.path.join(BUILD, "boot.img"), boot)
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "mkdisk"), "cmdline", boot,
                        "--", "-q"] + kargs + ["run", cmdline], check=True,
                       stdout=subprocess.DEVNULL)
        fs = os.path.join(work, "fs.img")
        specs = []
        for f in files:
            p = find_program(f)
            if p is None:
                return {"name": name, "error": "missing file %s" % f}
            specs.append("%s:%s" % (p, f))
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "fsutil"), "mkfs", fs,
                        "--size", "4"] + specs, check=True, stdout=subprocess.DEVNULL)
        disks = ["ata0-master: type=disk, path=%s, mode=flat, cylinders=%d, heads=16, spt=63"
                 % (boot, pad_cylinders(boot)),
                 "ata0-slave: type=disk, path=%s, mode=flat, cylinders=%d, heads=16, spt=63"
                 % (fs, pad_cylinders(fs))]
        if swap:
            sw = os.path.join(work, "swap.img")
            with open(sw, "wb") as f:
                f.truncate(swap * 1024 * 1024)
            disks += ["ata1: enabled=1, ioaddr1=0x170, ioaddr2=0x370, irq=15",
                      "ata1-slave: type=disk, path=%s, mode=flat, cylinders=%d, heads=16, spt=63"
                      % (sw, pad_cylinders(sw))]
        serial = os.path.join(work, "serial.out")
        rc = os.path.join(work, "bochsrc")
        with open(rc, "w") as f:
            f.write("\n".join([
                "megs: %d" % mem,
                "romimage: file=/usr/share/bochs/BIOS-bochs-latest",
                "vgaromimage: file=/usr/share/vgabios/vgabios.bin",
                "cpu: model=bx_generic, ips=%d" % args.ips,
                "cpuid: x86_64=1, level=6, mmx=1, simd=sse2",
                "clock: sync=none, time0=1",
                "boot: disk"] + disks + [
                "com1: enabled=1, mode=file, dev=%s" % serial,
                "display_library: term",
                "log: %s" % os.path.join(work, "bochs.log"),
                "panic: action=fatal", "error: action=report",
                "info: action=ignore", "debug: action=ignore", ""]))
        cont = os.path.join(work, "rc")
        with open(cont, "w") as f:
            f.write("c\n")
        try:
            subprocess.run(["bochs", "-q", "-f", rc, "-rc", cont], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=timeout * 4 + 30)
        except subprocess.TimeoutExpired:
            pass
        text = open(serial, errors="replace").read() if os.path.exists(serial) else ""
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return analyse(name, suite, sec, text)


def analyse(name, suite, sec, text):
    res = {"name": name, "suite": suite}
    m = re.search(r"^STATS (.*)$", text, re.M)
    if not m:
        res["error"] = "no STATS line (crash or timeout)"
        res["console_tail"] = text[-2000:]
        return res
    stats = {}
    for kv in m.group(1).split():
        k, _, v = kv.partition("=")
        try:
            stats[k] = int(v)
        except ValueError:
            pass
    res["stats"] = stats
    handled = sum(stats.get(k, 0) for k in ("pf_file", "pf_zero", "pf_stack", "pf_swapin"))
    res["faults_handled"] = handled
    res["cycles_per_fault"] = (stats.get("fault_cycles", 0) / handled) if handled else 0.0
    res["run_cycles"] = stats.get("tsc", 0) - stats.get("boot_tsc", 0)
    touched = stats.get("pages_touched", 0)
    res["faults_per_page"] = stats.get("pf_total", 0) / touched if touched else 0.0
    res["peak_per_page"] = stats.get("frames_peak", 0) / touched if touched else 0.0
    res["leak_free"] = (stats.get("upool_used", -1) == 0
                        and stats.get("kpool_used", -1) == stats.get("kpool_boot", -2))
    res["panic"] = "PANIC" in text
    # What the workload itself reports (src/tests/bench/bench.h): distinct pages it
    # touched and its pfstat counters; the last report is the initial process's.
    pt = re.findall(r"distinct pages touched: (\d+)", text)
    res["program_pages_touched"] = int(pt[-1]) if pt else None
    res["program_faults"] = [
        dict(zip(("label", "total", "file", "zero", "stack", "swapin", "wp", "invalid"),
                 (m.group(1),) + tuple(int(x) for x in m.groups()[1:])))
        for m in re.finditer(r"\) ([\w -]+): total (\d+) file (\d+) zero (\d+) stack (\d+) "
                             r"swapin (\d+) wp (\d+) invalid (\d+)", text)]
    exp = os.path.join(ROOT, "expected", suite, name + ".out")
    got = re.search(r"Executing '.*?':\n(.*?)Execution of", text, re.S)
    if os.path.exists(exp) and got:
        ign = sec.get("ignore_exit", "no") == "yes"

        def norm(t):
            lines = t.strip().split("\n")
            if ign:
                lines = [ln for ln in lines if not re.match(r"^\S+: exit\(-?\d+\)$", ln)]
            return lines
        res["output_ok"] = norm(open(exp).read()) == norm(got.group(1))
    return res


def print_table(results):
    cols = [("workload", 16), ("total", 7), ("file", 6), ("zero", 6), ("stack", 6),
            ("swapin", 6), ("wp", 4), ("inval", 5), ("prog_pg", 7), ("touched", 7), ("f/page", 6),
            ("peak", 6), ("pk/page", 7), ("cyc/fault", 9), ("run Mcyc", 9), ("user", 5),
            ("kern", 5), ("ok", 4)]
    print(" ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(cols)))
    for r in results:
        if "error" in r:
            print("%-16s ERROR: %s" % (r["name"], r["error"]))
            continue
        s = r["stats"]
        ok = ("yes" if r.get("output_ok", True) and r["leak_free"] and not r["panic"] else "NO")
        row = [r["name"], s.get("pf_total", 0), s.get("pf_file", 0), s.get("pf_zero", 0),
               s.get("pf_stack", 0), s.get("pf_swapin", 0), s.get("pf_wp", 0),
               s.get("pf_invalid", 0),
               "-" if r.get("program_pages_touched") is None else r["program_pages_touched"],
               s.get("pages_touched", 0),
               "%.2f" % r["faults_per_page"], s.get("frames_peak", 0),
               "%.2f" % r["peak_per_page"], "%.0f" % r["cycles_per_fault"],
               "%.1f" % (r["run_cycles"] / 1e6), s.get("user_ticks", 0),
               s.get("kernel_ticks", 0), ok]
        print(" ".join(str(v).rjust(w) if i else str(v).ljust(w)
                       for i, (v, (_, w)) in enumerate(zip(row, cols))))


def svg_escape(t):
    return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_svg(results, path):
    """Two panels: pages touched / faults / peak frames per workload (grouped bars), and
    emulated cycles per fault."""
    rs = [r for r in results if "error" not in r]
    bar_h, gap, left, width = 10, 14, 130, 420
    group_h = 3 * bar_h + gap
    top = 40
    h1 = top + len(rs) * group_h + 30
    h2 = len(rs) * (bar_h + 8) + 60
    height = h1 + h2
    vmax = max([1] + [max(r["stats"].get("pages_touched", 0), r["stats"].get("pf_total", 0),
                          r["stats"].get("frames_peak", 0)) for r in rs])
    cmax = max([1.0] + [r["cycles_per_fault"] for r in rs])
    colors = [("pages_touched", "#4c72b0"), ("pf_total", "#dd8452"), ("frames_peak", "#55a868")]
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="11">' % (left + width + 160, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="20" font-size="14">Kestrel VM bench: pages touched, faults, '
           'peak frames</text>']
    for i, (key, col) in enumerate(colors):
        out.append('<rect x="%d" y="%d" width="10" height="10" fill="%s"/>'
                   % (left + width + 20, top + i * 16, col))
        out.append('<text x="%d" y="%d">%s</text>' % (left + width + 35, top + 9 + i * 16, key))
    for gi, r in enumerate(rs):
        y0 = top + gi * group_h
        out.append('<text x="10" y="%d">%s</text>' % (y0 + 2 * bar_h, svg_escape(r["name"])))
        for bi, (key, col) in enumerate(colors):
            v = r["stats"].get(key, 0)
            w = width * v / vmax
            y = y0 + bi * bar_h
            out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>'
                       % (left, y, w, bar_h - 1, col))
            out.append('<text x="%.1f" y="%d" font-size="9">%d</text>'
                       % (left + w + 3, y + bar_h - 2, v))
    y = h1
    out.append('<text x="10" y="%d" font-size="14">Emulated cycles per handled fault</text>'
               % (y - 5))
    for i, r in enumerate(rs):
        yy = y + 15 + i * (bar_h + 8)
        w = width * r["cycles_per_fault"] / cmax
        out.append('<text x="10" y="%d">%s</text>' % (yy + bar_h - 1, svg_escape(r["name"])))
        out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="#8172b2"/>'
                   % (left, yy, w, bar_h))
        out.append('<text x="%.1f" y="%d" font-size="9">%.0f</text>'
                   % (left + w + 3, yy + bar_h - 1, r["cycles_per_fault"]))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser(description="Kestrel VM benchmark")
    ap.add_argument("--ips", type=int, default=100000000)
    ap.add_argument("--jobs", type=int, default=max(1, os.cpu_count() or 1))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--results", default=os.path.join(BUILD, "results"))
    ap.add_argument("tests", nargs="*")
    args = ap.parse_args()
    if not os.path.exists(os.path.join(BUILD, "boot.img")):
        sys.exit("vmbench: build/boot.img missing: run `make` first")
    tests = load_tests()
    names = args.tests or [n for n, (_, sec) in tests.items()
                           if sec.get("bench", "no").lower() in ("yes", "true", "1")]
    if not names:
        names = [n for n in DEFAULT_WORKLOADS if n in tests]
    unknown = [n for n in names if n not in tests]
    if unknown:
        sys.exit("vmbench: unknown workload(s): %s" % " ".join(unknown))
    with ThreadPoolExecutor(args.jobs) as ex:
        results = list(ex.map(lambda n: run_one(n, tests[n][0], tests[n][1], args), names))
    print_table(results)
    os.makedirs(args.results, exist_ok=True)
    with open(os.path.join(args.results, "bench.json"), "w") as f:
        json.dump({"ips": args.ips, "seed": args.seed, "workloads": results}, f, indent=2,
                  sort_keys=True)
    write_svg(results, os.path.join(args.results, "bench.svg"))
    print("wrote %s and %s" % (os.path.join(args.results, "bench.json"),
                               os.path.join(args.results, "bench.svg")))
    return 1 if any("error" in r or r.get("panic") for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
