"""Result files of a run: per-test JSON and console, summary.json, junit.xml.

Layout under the results directory (build/results by default):
  SUITE/NAME[.seedN].json      one record per item (record() below)
  SUITE/NAME[.seedN].console   its whole console, when it has one
  summary.json                 totals and one short entry per item
  junit.xml                    JUnit XML for CI servers
  results.tap                  TAP version 13 (formats.tap)
  tests/SUITE/NAME.output, .result   Pintos's result files (formats.write_pintos_files);
                               for the default directory build/results they are written
                               where Pintos keeps them, build/tests/SUITE/NAME.*
Records can be read back (load_outcomes, load_records), which is how `harness merge` joins
shards and how harness/formats.py's writers get their input.
"""
import glob
import json
import os
import re
from xml.sax.saxutils import escape, quoteattr

from harness import formats, verdict
from harness.common import BUILD, DEFAULT_IPS, RESULTS, HarnessError, rel
from harness.selection import Item

FAILING = ("FAIL", "CRASH", "TIMEOUT")


class Outcome:
    """What running one Item gave: its verdict, console, wall time and commands.
    emulator: the emulator that really ran it (None for host and self-tests)."""

    def __init__(self, item):
        self.item = item
        self.verdict = None
        self.wall = 0.0
        self.ticks = 0
        self.console = b""
        self.command = ""
        self.rerun = ""
        self.emulator = None
        self.result = None         # the machine.RunResult of an emulated test
        self.cpu = 0.0             # CPU seconds of its processes (Bochs, gcc, scripts: wait4)
        self.harness_cpu = 0.0     # CPU seconds of the harness thread that ran it


def result_path(results_dir, item, ext):
    suffix = ".seed%d" % item.seed if item.seed else ""
    return os.path.join(results_dir, item.id + suffix + ext)


def record(out, ips):
    """The per-test JSON record of an Outcome."""
    v = out.verdict
    return {"test": out.item.id, "seed": out.item.seed, "kind": out.item.kind,
            "ips": ips or DEFAULT_IPS, "emulator": out.emulator, "verdict": v.status,
            "reason": v.reason, "details": v.details, "notes": v.notes,
            "wall_seconds": round(out.wall, 3), "emulated_ticks_limit_used": out.ticks,
            "cpu_seconds": round(getattr(out, "cpu", 0.0), 3),
            "harness_cpu_seconds": round(getattr(out, "harness_cpu", 0.0), 3),
            "stats": v.stats, "faults": v.faults, "vm": verdict.vm_counts(v.stats),
            "rerun": out.rerun, "command": out.command}


def write_json(path, data):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")


def save(results_dir, out, ips):
    """Writes the record and console of one Outcome; returns the record."""
    data = record(out, ips)
    write_json(result_path(results_dir, out.item, ".json"), data)
    if out.console:
        with open(result_path(results_dir, out.item, ".console"), "wb") as f:
            f.write(out.console)
    trace = getattr(out.result, "trace", None)
    if trace is not None:
        with open(result_path(results_dir, out.item, ".trace"), "wb") as f:
            f.write(trace)
    return data


def count(outcomes):
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for o in outcomes:
        counts["passed" if o.verdict.status == "PASS" else
               "skipped" if o.verdict.status == "SKIP" else "failed"] += 1
    return counts


def summary_line(counts):
    """The last line of make check: `N passed, N failed[, N skipped]`."""
    line = "%d passed, %d failed" % (counts["passed"], counts["failed"])
    if counts["skipped"]:
        line += ", %d skipped" % counts["skipped"]
    return line


def write_summary(results_dir, outcomes, records, run_info):
    """summary.json (totals, run_info, one entry per record) and junit.xml; returns counts."""
    counts = count(outcomes)
    emulators = sorted({r["emulator"] for r in records if r["emulator"]})
    summary = dict(counts, total=len(outcomes), emulators_used=emulators, results=[
        {"test": r["test"], "seed": r["seed"], "kind": r.get("kind", "emu"), "verdict": r["verdict"],
         "reason": r["reason"], "emulator": r["emulator"], "wall_seconds": r["wall_seconds"],
         "cpu_seconds": r.get("cpu_seconds", 0.0)}
        for r in records])
    summary.update(run_info)
    write_json(os.path.join(results_dir, "summary.json"), summary)
    write_junit(os.path.join(results_dir, "junit.xml"), outcomes, run_info.get("wall_seconds", 0.0))
    full = with_consoles(records, outcomes)
    formats.write_text(os.path.join(results_dir, "results.tap"), formats.tap(full))
    formats.write_pintos_files(full, pintos_dir(results_dir))
    return counts


def pintos_dir(results_dir):
    """Where the Pintos result files of results_dir go: build/ (so build/tests/SUITE/NAME.result)
    for the default results directory, else results_dir itself (RESULTS=DIR/tests/...)."""
    return BUILD if os.path.abspath(results_dir) == os.path.abspath(RESULTS) else results_dir


def with_consoles(records, outcomes):
    """Copies of records with the console of each outcome as `console` (text)."""
    return [dict(r, console=o.console.decode("utf-8", "replace") if o.console else "")
            for r, o in zip(records, outcomes)]


def load_records(results_dir):
    """The per-test records of results_dir in summary order, each with its console
    (`console`, text; empty when none was kept): the input of harness/formats.py."""
    outcomes, _ = load_outcomes(results_dir, {})
    records = []
    for o in outcomes:
        with open(result_path(results_dir, o.item, ".json")) as f:
            records.append(json.load(f))
    return with_consoles(records, outcomes)


def check_writable(results_dir):
    """HarnessError (one line) unless results_dir can be created and written: checked
    before anything runs, so a run is never lost at the end to a permission error."""
    path = os.path.abspath(results_dir)
    probe = None
    try:
        os.makedirs(path, exist_ok=True)
        probe = os.path.join(path, ".write-test-%d" % os.getpid())
        with open(probe, "w") as f:
            f.write("x")
        os.unlink(probe)
        for name in ("summary.json", "junit.xml", "results.tap", "grade.json"):
            existing = os.path.join(path, name)
            if os.path.exists(existing) and not os.access(existing, os.W_OK):
                raise PermissionError(13, "file is read-only", existing)
    except OSError as e:
        where = getattr(e, "filename", None) or path
        raise HarnessError("results directory %s is not writable (%s: %s); choose another with RESULTS=DIR"
                           % (rel(path), rel(where), e.strerror or e))


def write_junit(path, outcomes, wall):
    """JUnit XML: one <testsuite> per suite, one <testcase> per test (and seed)."""
    suites = {}
    for o in outcomes:
        suites.setdefault(o.item.suite, []).append(o)
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    nfail = sum(1 for o in outcomes if o.verdict.status in FAILING)
    nerr = sum(1 for o in outcomes if o.verdict.status == "ERROR")
    out.append('<testsuites name="kestrel" tests="%d" failures="%d" errors="%d" time="%.3f">'
               % (len(outcomes), nfail, nerr, wall))
    for suite in sorted(suites):
        group = suites[suite]
        f = sum(1 for o in group if o.verdict.status in FAILING)
        e = sum(1 for o in group if o.verdict.status == "ERROR")
        s = sum(1 for o in group if o.verdict.status == "SKIP")
        out.append('  <testsuite name=%s tests="%d" failures="%d" errors="%d" skipped="%d" time="%.3f">'
                   % (quoteattr(suite), len(group), f, e, s, sum(o.wall for o in group)))
        for o in group:
            name = o.item.name + (" seed=%d" % o.item.seed if o.item.seed else "")
            out.append('    <testcase classname=%s name=%s time="%.3f">'
                       % (quoteattr(suite), quoteattr(name), o.wall))
            v = o.verdict
            body = "\n".join(v.details)
            if v.status in FAILING:
                out.append('      <failure type=%s message=%s>%s</failure>'
                           % (quoteattr(v.status), quoteattr(v.reason), escape(clean_xml(body))))
            elif v.status == "ERROR":
                out.append('      <error message=%s>%s</error>' % (quoteattr(v.reason), escape(clean_xml(body))))
            elif v.status == "SKIP":
                out.append('      <skipped message=%s/>' % quoteattr(v.reason))
            if o.console and v.status != "PASS":
                out.append('      <system-out>%s</system-out>'
                           % escape(clean_xml(o.console.decode("utf-8", "replace")[-20000:])))
            out.append('    </testcase>')
        out.append('  </testsuite>')
    out.append('</testsuites>')
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")


def clean_xml(text):
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "?", text)


def load_outcomes(results_dir, tests_by_id):
    """The Outcomes recorded in results_dir (per-test JSON and consoles), in summary order.
    tests_by_id maps test ids to testcfg.Test (for grading); unknown ids keep test None."""
    path = os.path.join(results_dir, "summary.json")
    try:
        with open(path) as f:
            summary = json.load(f)
        entries = summary["results"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise HarnessError("%s is not a results directory (cannot read summary.json: %s)"
                           % (rel(results_dir), getattr(e, "strerror", None) or e))
    outcomes = []
    for entry in entries:
        item = Item(entry["test"], tests_by_id.get(entry["test"]), entry.get("seed", 0),
                    entry.get("kind", "emu"))
        try:
            with open(result_path(results_dir, item, ".json")) as f:
                data = json.load(f)
        except (OSError, ValueError) as e:
            raise HarnessError("cannot read the record of %s in %s: %s"
                               % (item.label, rel(results_dir), getattr(e, "strerror", None) or e))
        out = Outcome(item)
        out.verdict = verdict.Verdict(data["verdict"], data.get("reason", ""))
        out.verdict.details = data.get("details", [])
        out.verdict.notes = data.get("notes", [])
        out.verdict.stats = data.get("stats", {})
        out.verdict.faults = data.get("faults", {})
        out.wall = data.get("wall_seconds", 0.0)
        out.ticks = data.get("emulated_ticks_limit_used", 0)
        out.command = data.get("command", "")
        out.rerun = data.get("rerun", "")
        out.emulator = data.get("emulator")
        console = result_path(results_dir, item, ".console")
        if os.path.exists(console):
            with open(console, "rb") as f:
                out.console = f.read()
        outcomes.append(out)
    return outcomes, summary


def find_result_dirs(paths):
    """Every directory holding a summary.json under the given paths (a CI download of
    shard artifacts may nest them), sorted; HarnessError when there is none."""
    dirs = []
    for p in paths:
        if not os.path.isdir(p):
            raise HarnessError("%s is not a directory" % p)
        found = sorted(os.path.dirname(s) for s in glob.glob(os.path.join(p, "**", "summary.json"),
                                                              recursive=True))
        if not found:
            raise HarnessError("%s holds no summary.json (not a results directory)" % p)
        dirs += found
    return dirs
