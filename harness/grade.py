"""make grade: run the suite and score it with expected/rubric.cfg (format in docs/harness.md).

The score of a group uses the points of every test the selection holds, including those
another shard runs, so the totals of shards add up to the unsharded total; `harness merge`
joins shard results into the grade of the whole run."""
import configparser
import fnmatch
import os

from harness.common import HarnessError, ROOT, rel
from harness.report import print_failures, print_notes
from harness.results import summary_line, write_json
from harness.running import run_selection

FAULT_MODES = ("check", "report", "off")


class Rubric:
    """weights {SUITE/GROUP: w}, groups [(GLOB, GROUP)], points [(GLOB, POINTS)], and
    faults: check (a changed page-fault count fails), report (noted, not failing) or None
    (not set: the command line or the default decides)."""

    def __init__(self, weights, groups, points, faults=None):
        self.weights = weights
        self.groups = groups
        self.points = points
        self.faults = faults


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
    return Rubric(weights, groups, points, faults)


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


def score(outcomes, rubric, everything=None):
    """The grade as a dict (deterministic: no times, sorted keys).

    Each group's points are those of every emulated item in everything (the selection
    before sharding; default: the outcomes' own items); earned points and the passed
    count come from the outcomes. A group scores weight x earned / points."""
    weights = rubric.weights
    table = {}

    def row_of(group):
        return table.setdefault(group, {"tests": 0, "ran": 0, "passed": 0, "points": 0.0,
                                        "earned": 0.0, "failed": []})
    pool = everything if everything is not None else [o.item for o in outcomes]
    for item in pool:
        if item.kind == "emu" and item.test is not None:
            g, pts = classify(item.test, rubric.groups, rubric.points)
            row = row_of(g)
            row["tests"] += 1
            row["points"] += pts
    for o in outcomes:
        if o.item.kind != "emu" or o.item.test is None:
            continue
        g, pts = classify(o.item.test, rubric.groups, rubric.points)
        row = row_of(g)
        row["ran"] += 1
        if o.verdict.status == "PASS":
            row["passed"] += 1
            row["earned"] += pts
        else:
            row["failed"].append(o.item.label)
    total_w = sum(weights.values())
    for g, w in weights.items():
        if w:
            row_of(g)
    total = 0.0
    for g, row in table.items():
        w = weights.get(g, 0.0) * 100.0 / total_w
        row["weight"] = round(w, 3)
        row["score"] = round(w * row["earned"] / row["points"], 3) if row["points"] else 0.0
        row["failed"].sort()
        total += row["score"]
    return {"groups": dict(sorted(table.items())), "total": round(total, 2),
            "unweighted": sorted(g for g in table if g not in weights)}


def print_grade(grade):
    print("%-28s %7s %9s %7s %7s" % ("group", "passed", "points", "weight", "score"))
    for g, r in grade["groups"].items():
        print("%-28s %3d/%-3d %4g/%-4g %7.2f %7.2f" % (g, r["passed"], r["tests"], r["earned"], r["points"],
                                                   r["weight"], r["score"]))
    for g in grade["unweighted"]:
        print("warning: group %s has no weight in the rubric; its tests count for nothing" % g)
    print("TOTAL %.2f / 100" % grade["total"])


def write_grade(results_dir, grade):
    path = os.path.join(results_dir, "grade.json")
    write_json(path, grade)
    return path


def close_grade(outcomes, grade, counts, results_dir, shard=None):
    """Table, notes, failing tests with their reasons, where grade.json is, and the
    summary line last."""
    print()
    print_grade(grade)
    if shard:
        print("(shard %s: its score counts the points of the whole selection; "
              "python3 -m harness merge joins the shards)" % shard)
    print_notes(outcomes)
    print_failures(outcomes)
    print("Grade written to %s" % rel(write_grade(results_dir, grade)))
    print(summary_line(counts))


def cmd_grade(args, selection):
    """Runs the selection and grades it. The fault mode is --faults, else the rubric's
    [grading] faults, else check."""
    rubric = load_rubric(args.rubric)
    if not args.faults:
        args.faults = rubric.faults or "check"
    session = run_selection(args, selection.items)
    grade = score(session.outcomes, rubric, selection.everything)
    grade["faults"] = args.faults
    close_grade(session.outcomes, grade, session.counts, args.results, args.shard)
    return 0
