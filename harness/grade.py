"""make grade: run the suite and score it with expected/rubric.cfg (format in docs/harness.md)."""
import configparser
import fnmatch
import json
import os

from harness.common import HarnessError, ROOT


def load_rubric(path):
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
    return weights, groups, points


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


def score(outcomes, weights, groups, points):
    """The grade as a dict (deterministic: no times, sorted keys)."""
    table = {}
    for o in outcomes:
        if o.item.kind != "emu":
            continue
        g, pts = classify(o.item.test, groups, points)
        row = table.setdefault(g, {"tests": 0, "passed": 0, "points": 0.0, "earned": 0.0, "failed": []})
        row["tests"] += 1
        row["points"] += pts
        if o.verdict.status == "PASS":
            row["passed"] += 1
            row["earned"] += pts
        else:
            row["failed"].append(o.item.label)
    total_w = sum(weights.values())
    total = 0.0
    for g, row in table.items():
        w = weights.get(g, 0.0) * 100.0 / total_w
        row["weight"] = round(w, 3)
        row["score"] = round(w * row["earned"] / row["points"], 3) if row["points"] else 0.0
        total += row["score"]
    for g, w in weights.items():
        if g not in table and w:
            # A weighted group with no tests selected scores nothing (for example a shard).
            table[g] = {"tests": 0, "passed": 0, "points": 0.0, "earned": 0.0, "failed": [],
                        "weight": round(w * 100.0 / total_w, 3), "score": 0.0}
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


def cmd_grade(args, items):
    from harness.runner import cmd_run, summary_line
    weights, groups, points = load_rubric(args.rubric)
    items = [it for it in items if it.kind == "emu"]
    runner, outcomes, records, counts, wall = cmd_run(args, items)
    grade = score(outcomes, weights, groups, points)
    print()
    print_grade(grade)
    with open(os.path.join(args.results, "grade.json"), "w") as f:
        json.dump(grade, f, indent=1, sort_keys=True)
        f.write("\n")
    print(summary_line(counts))
    return 0
