"""make grade: score test results with expected/rubric.cfg (format in docs/harness.md).

By default it grades the results `make check` wrote (build/results) when they are results
of the current build for the same selection and settings; otherwise, or with RERUN=1, it
runs the tests first. It says which. The score of a group uses the points of every test the
selection holds, including those another shard runs, so the totals of shards add up to the
unsharded total; `harness merge` joins shard results into the grade of the whole run. A
selection smaller than the rubric's tests (TESTS=...) is scored on its own tests only.
Besides grade.json: grade.txt (and build/grade for the default results directory), the
plain-text grade, and gradescope.json, Gradescope's results.json (harness/formats.py)."""
import configparser
import fnmatch
import glob
import json
import os
import time

from harness import formats
from harness.common import BUILD, EXPECTED, RESULTS, HarnessError, ROOT, rel
from harness.report import print_failures, print_notes
from harness.results import count, load_outcomes, summary_line, with_consoles, write_json
from harness.running import config_from_args, run_info, run_selection

FAULT_MODES = ("check", "report", "off")


class Rubric:
    """weights {SUITE/GROUP: w}, groups [(GLOB, GROUP)], points [(GLOB, POINTS)], and
    faults: check (a changed page-fault count fails), report (noted, not failing) or None
    (not set: the command line or the default decides)."""

    def __init__(self, weights, groups, points, faults=None, visibility=None):
        self.weights = weights
        self.groups = groups
        self.points = points
        self.faults = faults
        self.visibility = visibility or []     # [(GLOB, Gradescope visibility)]


def load_rubric(path):
    """The Rubric in path; HarnessError (one line) when it is unreadable or malformed."""
    cp = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";",),
                                   comment_prefixes=("#", ";"))
    cp.optionxform = str
    try:
        with open(path) as f:
            cp.read_file(f)
    except OSError as e:
        raise HarnessError("cannot read the rubric %s: %s" % (os.path.relpath(path, ROOT), e.strerror))
    except configparser.Error as e:
        raise HarnessError("%s: %s" % (os.path.relpath(path, ROOT), str(e).splitlines()[0]))
    weights = {}
    for key, val in (cp["weights"].items() if cp.has_section("weights") else []):
        try:
            weights[key] = float(val)
        except ValueError:
            raise HarnessError("rubric: weight of %s is not a number: %r" % (key, val))
        if weights[key] < 0:
            raise HarnessError("rubric: weight of %s is negative" % key)
    if not weights or sum(weights.values()) <= 0:
        raise HarnessError("rubric %s has no [weights]" % os.path.relpath(path, ROOT))
    groups = list(cp["groups"].items()) if cp.has_section("groups") else []
    points = []
    for key, val in (cp["points"].items() if cp.has_section("points") else []):
        try:
            points.append((key, float(val)))
        except ValueError:
            raise HarnessError("rubric: points of %s is not a number: %r" % (key, val))
    faults = cp.get("grading", "faults", fallback=None) if cp.has_section("grading") else None
    if faults is not None:
        faults = faults.strip()
        if faults not in FAULT_MODES:
            raise HarnessError("rubric: [grading] faults must be check, report or off, not %r" % faults)
    visibility = []
    for key, val in (cp["visibility"].items() if cp.has_section("visibility") else []):
        val = val.strip()
        if val not in formats.GRADESCOPE_VISIBILITY:
            raise HarnessError("rubric: [visibility] %s must be one of %s, not %r"
                               % (key, ", ".join(formats.GRADESCOPE_VISIBILITY), val))
        visibility.append((key, val))
    return Rubric(weights, groups, points, faults, visibility)


def classify(test, groups, points):
    """(suite/group, points) of a test under the rubric's overrides."""
    group = test.group
    for pat, g in groups:
        if fnmatch.fnmatchcase(test.id, pat):
            group = g.strip()
            break
    pts = test.points
    for pat, p in points:
        if fnmatch.fnmatchcase(test.id, pat):
            pts = p
            break
    return "%s/%s" % (test.suite, group), pts


def score(outcomes, rubric, everything=None, universe=None):
    """The grade as a dict (deterministic: no times, sorted keys).

    Each group's points are those of every emulated item in everything (the selection
    before sharding; default: the outcomes' own items); earned points and the passed
    count come from the outcomes. A group scores weight x earned / points.
    universe: the number of tests the rubric grades when nothing is selected; when
    everything holds fewer, the grade is of a subset: only groups with selected tests
    count, `max` is the sum of their weights (not 100) and `subset` says so.
    `tests` gives each outcome's share: {label: {group, max_score, score}}."""
    weights = rubric.weights
    table = {}

    def row_of(group):
        return table.setdefault(group, {"tests": 0, "ran": 0, "passed": 0, "points": 0.0,
                                        "earned": 0.0, "failed": []})
    pool = everything if everything is not None else [o.item for o in outcomes]
    pool = [it for it in pool if it.kind == "emu" and it.test is not None]
    for item in pool:
        g, pts = classify(item.test, rubric.groups, rubric.points)
        row = row_of(g)
        row["tests"] += 1
        row["points"] += pts
    shares = {}
    for o in outcomes:
        if o.item.kind != "emu" or o.item.test is None:
            continue
        g, pts = classify(o.item.test, rubric.groups, rubric.points)
        row = row_of(g)
        row["ran"] += 1
        shares[o.item.label] = (g, pts, o.verdict.status == "PASS")
        if o.verdict.status == "PASS":
            row["passed"] += 1
            row["earned"] += pts
        else:
            row["failed"].append(o.item.label)
    subset = universe is not None and len({it.id for it in pool}) < universe
    total_w = sum(weights.values())
    if not subset:
        for g, w in weights.items():
            if w:
                row_of(g)
    total = 0.0
    top = 0.0
    for g, row in table.items():
        w = weights.get(g, 0.0) * 100.0 / total_w
        row["weight"] = round(w, 3)
        row["score"] = round(w * row["earned"] / row["points"], 3) if row["points"] else 0.0
        row["failed"].sort()
        total += row["score"]
        top += row["weight"]
    tests = {}
    for lbl, (g, pts, ok) in sorted(shares.items()):
        row = table[g]
        most = row["weight"] * pts / row["points"] if row["points"] else 0.0
        tests[lbl] = {"group": g, "max_score": round(most, 3), "score": round(most if ok else 0.0, 3)}
    grade = {"groups": dict(sorted(table.items())), "total": round(total, 2),
             "max": round(top, 2) if subset else 100.0,
             "unweighted": sorted(g for g in table if g not in weights), "tests": tests}
    if subset:
        grade["subset"] = {"selected": len({it.id for it in pool}), "all": universe}
    return grade


def print_grade(grade):
    print("%-28s %7s %9s %7s %7s" % ("group", "passed", "points", "weight", "score"))
    for g, r in grade["groups"].items():
        print("%-28s %3d/%-3d %4g/%-4g %7.2f %7.2f%s" % (g, r["passed"], r["tests"], r["earned"], r["points"],
                                                     r["weight"], r["score"],
                                                     "  (weight 0 in the rubric: not scored)"
                                                     if not r["weight"] and g not in grade["unweighted"] else ""))
    for g in grade["unweighted"]:
        print("warning: group %s has no weight in the rubric; its tests count for nothing" % g)
    if grade.get("subset"):
        n = grade["subset"]["selected"]
        print("TOTAL %.2f / %.2f (a subset: only the %d selected test%s of the %d the rubric grades %s "
              "scored, each group with its rubric weight; the whole suite is out of 100)"
              % (grade["total"], grade["max"], n, "" if n == 1 else "s", grade["subset"]["all"],
                 "is" if n == 1 else "are"))
    else:
        print("TOTAL %.2f / 100" % grade["total"])


def write_grade(results_dir, grade):
    path = os.path.join(results_dir, "grade.json")
    write_json(path, grade)
    return path


def visibility_of(outcomes, rubric, expected_dir):
    """{label: Gradescope visibility}: the rubric's [visibility] (first match), else
    after_published for a test judged against held-back expected files (EXPECTED=DIR
    holds its .out and expected/ does not), else visible."""
    out = {}
    held_back = expected_dir and os.path.abspath(expected_dir) != os.path.abspath(EXPECTED)
    for o in outcomes:
        if o.item.kind != "emu":
            continue
        v = next((vis for pat, vis in rubric.visibility if fnmatch.fnmatchcase(o.item.id, pat)), None)
        if v is None and held_back and o.item.test is not None:
            if not o.item.test.expected_files(EXPECTED):
                v = "after_published"
        out[o.item.label] = v or "visible"
    return out


def write_grade_formats(results_dir, outcomes, records, grade, visibility):
    """grade.txt and gradescope.json in results_dir, and build/grade (Pintos's plain-text
    grade) for the default results directory; returns the paths written."""
    full = with_consoles(records, outcomes)
    text = formats.grade_text(grade, full)
    paths = [formats.write_text(os.path.join(results_dir, "grade.txt"), text),
             formats.write_json(os.path.join(results_dir, "gradescope.json"),
                                formats.gradescope(grade, full, visibility))]
    if os.path.abspath(results_dir) == os.path.abspath(RESULTS):
        paths.append(formats.write_text(os.path.join(BUILD, "grade"), text))
    return paths


def close_grade(outcomes, grade, counts, results_dir, shard=None, records=None, visibility=None):
    """Table, notes, failing tests with their reasons, where grade.json is, and the
    summary line last."""
    print()
    print_grade(grade)
    if shard:
        print("(shard %s: its score counts the points of the whole selection; "
              "python3 -m harness merge joins the shards)" % shard)
    print_notes(outcomes)
    print_failures(outcomes)
    extra = []
    if records is not None:
        extra = write_grade_formats(results_dir, outcomes, records, grade, visibility or {})
    print("Grade written to %s" % ", ".join(rel(p) for p in [write_grade(results_dir, grade)] + extra))
    print(summary_line(counts))


def newest_input(expected_dir):
    """The mtime of the newest file a verdict depends on: the boot disk, the built test
    programs and the expected files."""
    newest = 0.0
    paths = [os.path.join(BUILD, "boot.img"), os.path.join(BUILD, "kernel.elf")]
    paths += [p for p in glob.glob(os.path.join(BUILD, "tests", "*", "*"))
              if os.path.splitext(p)[1] not in (".output", ".result", ".o", ".d")]
    paths += glob.glob(os.path.join(expected_dir, "*", "*"))
    for p in paths:
        try:
            newest = max(newest, os.path.getmtime(p))
        except OSError:
            pass
    return newest


def recorded_outcomes(args, selection):
    """(outcomes, None) when args.results holds results of the current build for every item
    of the selection, run with the settings this grade would use; else (None, why not)."""
    path = os.path.join(args.results, "summary.json")
    if not os.path.exists(path):
        return None, "%s has no results yet" % rel(args.results)
    try:
        with open(path) as f:
            summary = json.load(f)
    except (OSError, ValueError) as e:
        return None, "cannot read %s: %s" % (rel(path), e)
    if os.path.getmtime(path) < newest_input(args.expected):
        return None, "the results in %s are older than the build or the expected files" % rel(args.results)
    want = run_info(args, config_from_args(args))
    for key in ("ips", "emulator", "repeat", "evict", "fork", "fail_inject", "faults", "expected", "seeds"):
        if key not in summary:
            return None, "%s was written by an older harness (no %r)" % (rel(path), key)
        if summary[key] != want[key]:
            return None, "the results in %s ran with %s=%s, this grade needs %s" % (
                rel(args.results), key, "none" if summary[key] is None else summary[key],
                "none" if want[key] is None else want[key])
    by_id = {it.id: it.test for it in selection.items}
    try:
        outcomes, _ = load_outcomes(args.results, by_id)
    except HarnessError as e:
        return None, str(e)
    have = {(o.item.id, o.item.seed): o for o in outcomes}
    missing = [it.label for it in selection.items if (it.id, it.seed) not in have]
    if missing:
        return None, "%s has no result for %d of the %d tests (%s%s)" % (
            rel(args.results), len(missing), len(selection.items), ", ".join(missing[:3]),
            ", ..." if len(missing) > 3 else "")
    return [have[(it.id, it.seed)] for it in selection.items], None


def cmd_grade(args, selection):
    """Grades the results make check wrote when they fit (see recorded_outcomes), else
    runs the selection first; --rerun always runs. The fault mode is --faults, else the
    rubric's [grading] faults, else check."""
    from harness.selection import universe
    rubric = load_rubric(args.rubric)
    if not args.faults:
        args.faults = rubric.faults or "check"
    outcomes, why = (None, "RERUN=1") if args.rerun else recorded_outcomes(args, selection)
    if outcomes is not None:
        stamp = time.strftime("%H:%M:%S", time.localtime(os.path.getmtime(os.path.join(args.results, "summary.json"))))
        print("Grading the results already in %s (written at %s; no test was run; RERUN=1 runs them again)"
              % (rel(args.results), stamp))
        records = []
        for o in outcomes:
            from harness.results import result_path
            with open(result_path(args.results, o.item, ".json")) as f:
                records.append(json.load(f))
        counts = count(outcomes)
    else:
        print("Running the tests to grade them (%s)" % why)
        session = run_selection(args, selection.items, selected=len(selection.everything))
        outcomes, records, counts = session.outcomes, session.records, session.counts
    graded = len(universe("grade", True, args.tests_root)[0])
    grade = score(outcomes, rubric, selection.everything, graded)
    grade["faults"] = args.faults
    close_grade(outcomes, grade, counts, args.results, args.shard, records,
                visibility_of(outcomes, rubric, args.expected))
    return 0
