"""Class mode: every submission of a folder graded into its own results directory, then one
class table (class.csv, faults.csv, class.html).

A submission is a subdirectory of the class folder holding either a built project
(<sub>/<project>/build/os.dsk), a bare build directory (<sub>/os.dsk, <sub>/kernel.o), or
an unbuilt tree (<sub>/<project>/Makefile), which is copied under the results folder and
built there with its own Makefiles. Each finished submission leaves done.json (the SHA-1
of the kernel it graded and the options): a rerun skips it, so an interrupted class run
resumes where it stopped. --shard K/N takes every N-th submission from the K-th, so
machines (a Slurm array, a CI matrix) can split a class and `--class-table DIR...` joins
their results folders into one table.
"""
import copy
import csv
import hashlib
import html
import json
import os
import shutil
import statistics
import sys

from harness.common import ROOT, HarnessError
from harness.pk import tree
from harness.pk.cli import grade_kernel, parse_shard

DONE = "done.json"


def sha1_file(path):
    h = hashlib.sha1()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def find_kernel(sub, project, work):
    """The build directory of submission sub (built into work when it is a bare tree)."""
    built = os.path.join(sub, project, "build")
    if os.path.exists(os.path.join(built, "os.dsk")):
        return built
    if os.path.exists(os.path.join(sub, "os.dsk")):
        return sub
    if os.path.exists(os.path.join(sub, project, "Makefile")):
        copy_dir = os.path.join(work, os.path.basename(sub))
        if not os.path.exists(os.path.join(copy_dir, project, "build", "os.dsk")):
            if os.path.exists(copy_dir):
                shutil.rmtree(copy_dir)
            shutil.copytree(sub, copy_dir, symlinks=True, ignore=shutil.ignore_patterns("build"))
            tree.run_make(os.path.join(copy_dir, project), [])
        return os.path.join(copy_dir, project, "build")
    raise HarnessError("%s: no %s/build/os.dsk, os.dsk or %s/Makefile" % (sub, project, project))


def grade_class(args, stream=sys.stdout):
    if not args.project:
        raise HarnessError("--class needs --project (threads, userprog, vm, filesys)")
    if not args.tree:
        raise HarnessError("--class needs --tree PRISTINE: a class is graded with trusted tests only")
    folder = os.path.abspath(args.klass)
    if not os.path.isdir(folder):
        raise HarnessError("--class %s: no such directory" % folder)
    root = os.path.abspath(args.results or os.path.join(ROOT, "build", "pintos", "class-" + args.project))
    subs = sorted(d for d in os.listdir(folder) if os.path.isdir(os.path.join(folder, d)) and not d.startswith("."))
    if not subs:
        raise HarnessError("--class %s holds no submission directories" % folder)
    if args.shard:
        k, n = parse_shard(args.shard)
        subs = subs[k - 1::n]
    one = copy.copy(args)
    one.shard = None
    options = {"tests": args.tests, "variants": args.variants, "ips": args.ips, "tree": os.path.abspath(args.tree),
               "timeout": args.timeout, "rename": args.rename, "project": args.project}
    failed = 0
    for name in subs:
        out = os.path.join(root, name)
        try:
            kernel = find_kernel(os.path.join(folder, name), args.project, os.path.join(root, ".build"))
            digest = sha1_file(os.path.join(kernel, "os.dsk"))
        except HarnessError as e:
            stream.write("%s: ERROR %s\n" % (name, e))
            os.makedirs(out, exist_ok=True)
            with open(os.path.join(out, DONE), "w") as f:
                json.dump({"submission": name, "error": str(e), "options": options}, f, indent=1)
            failed += 1
            continue
        try:
            with open(os.path.join(out, DONE)) as f:
                done = json.load(f)
            if done.get("kernel_sha1") == digest and done.get("options") == options:
                stream.write("%s: already graded (%s), skipped\n" % (name, os.path.join(out, DONE)))
                continue
        except (OSError, ValueError):
            pass
        stream.write("== %s (%s)\n" % (name, kernel))
        s = grade_kernel(kernel, options["tree"], out, one, stream, project_kind=args.project)
        failed += bool(s["failed"])
        with open(os.path.join(out, DONE), "w") as f:
            json.dump({"submission": name, "kernel_sha1": digest, "options": options, "summary": s}, f, indent=1)
            f.write("\n")
    table([root], stream, out_dir=root)
    return 0


def load_done(roots):
    subs = {}
    for root in roots:
        if not os.path.isdir(root):
            raise HarnessError("--class-table %s: no such directory" % root)
        for name in sorted(os.listdir(root)):
            path = os.path.join(root, name, DONE)
            if os.path.exists(path):
                with open(path) as f:
                    d = json.load(f)
                d["dir"] = os.path.join(root, name)
                subs[name] = d
    return subs


def vm_faults(faults):
    """Page faults (user + kernel) per tests/vm/ test, from a summary's faults dict."""
    return {t: v["user"] + v["kernel"] for t, v in (faults or {}).items() if v and t.startswith("tests/vm/")}


def table(roots, stream=sys.stdout, out_dir=None):
    """Writes class.csv, faults.csv and class.html into out_dir (default the first root)."""
    roots = [os.path.abspath(r) for r in roots]
    out_dir = out_dir or roots[0]
    subs = load_done(roots)
    if not subs:
        raise HarnessError("no graded submission (done.json) under %s" % " ".join(roots))
    per = {n: vm_faults(d.get("summary", {}).get("faults")) for n, d in subs.items()}
    tests = sorted({t for f in per.values() for t in f})
    median = {t: statistics.median([f[t] for f in per.values() if t in f]) for t in tests}
    rows = []
    for name, d in sorted(subs.items()):
        s = d.get("summary")
        if not s:
            rows.append([name, "", "", "", "ERROR: " + d.get("error", "?"), "", "", "", ""])
            continue
        mine = per[name]
        total = sum(mine.values())
        med = sum(median[t] for t in mine)
        rows.append([name, "%.1f" % s["score_percent"] if s["score_percent"] is not None else "",
                     s["passed"], s["failed"], " ".join(s["failed_tests"]), " ".join(s.get("flaky_tests", [])),
                     total, "%g" % med, "%.2f" % (total / med) if med else ""])
    head = ["submission", "score_percent", "passed", "failed", "failed_tests", "flaky_tests",
            "vm_page_faults", "class_median_same_tests", "ratio_to_median"]
    with open(os.path.join(out_dir, "class.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(head)
        w.writerows(rows)
    names = sorted(subs)
    with open(os.path.join(out_dir, "faults.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["test", "class_median"] + names)
        for t in tests:
            w.writerow([t, "%g" % median[t]] + [per[n].get(t, "") for n in names])
    write_html(os.path.join(out_dir, "class.html"), head, rows, tests, median, per, names, subs, out_dir)
    stream.write("class table: %s (csv), %s, %s (%d submissions)\n" % (
        os.path.join(out_dir, "class.csv"), os.path.join(out_dir, "faults.csv"),
        os.path.join(out_dir, "class.html"), len(rows)))
    return 0


def write_html(path, head, rows, tests, median, per, names, subs, out_dir):
    e = html.escape
    out = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>Pintos-KAIST class results</title>",
           "<style>body{font-family:sans-serif}table{border-collapse:collapse;margin:1em 0}"
           "td,th{border:1px solid #999;padding:2px 6px;font-size:13px;vertical-align:top}"
           ".hi{background:#fdd}.lo{background:#dfd}</style></head><body>",
           "<h1>Class results</h1><table><tr>%s</tr>" % "".join("<th>%s</th>" % e(h) for h in head)]
    for r in rows:
        name = r[0]
        rel = os.path.relpath(subs[name]["dir"], out_dir)
        cells = ["<td><a href='%s/grade'>%s</a></td>" % (e(rel), e(name))]
        for i, v in enumerate(r[1:], 1):
            if head[i] in ("failed_tests", "flaky_tests") and v:
                v = " ".join("<a href='%s/%s.result'>%s</a>" % (e(rel), e(t), e(t.rsplit("/", 1)[-1]))
                             for t in str(v).split())
                cells.append("<td>%s</td>" % v)
            else:
                cells.append("<td>%s</td>" % e(str(v)))
        out.append("<tr>%s</tr>" % "".join(cells))
    out.append("</table><h2>Page faults per VM test (counted by Bochs) against the class median</h2>")
    out.append("<table><tr><th>test</th><th>median</th>%s</tr>" % "".join("<th>%s</th>" % e(n) for n in names))
    for t in tests:
        cells = []
        for n in names:
            v = per[n].get(t)
            cls = "" if v is None or not median[t] else (" class='hi'" if v > 2 * median[t] else
                                                          " class='lo'" if v < median[t] / 2 else "")
            cells.append("<td%s>%s</td>" % (cls, "" if v is None else v))
        out.append("<tr><td>%s</td><td>%g</td>%s</tr>" % (e(t), median[t], "".join(cells)))
    out.append("</table><p>Red: more than twice the median; green: less than half.</p></body></html>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
