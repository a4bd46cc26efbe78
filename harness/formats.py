"""Output formats of results for other tools: TAP, Pintos result files and summary, the
plain-text grade, and a Gradescope results.json.

Every writer takes the harness's per-test result records: the dicts of results.record()
(keys test, seed, kind, verdict, reason, details, notes, ...), as make check writes them to
SUITE/NAME.json and as results.load_records(DIR) reads them back (which also adds the
console as `console`, text, when the run kept one). So a tool that merged shards, or grades
another kernel's results, calls these functions on records it loaded, without rerunning.
Functions that need scores take the grade dict of grade.score() (docs/harness.md, Grading).
"""
import json
import os

PASSING = ("PASS",)
GRADESCOPE_VISIBILITY = ("visible", "hidden", "after_due_date", "after_published")


def label(rec):
    """suite/name, with ` (seed N)` under a seed: the name every report uses."""
    return rec["test"] + (" (seed %d)" % rec["seed"] if rec.get("seed") else "")


def passed(rec):
    return rec["verdict"] in PASSING


def _reason_lines(rec):
    """The verdict, reason and details of a record that did not pass, as text lines."""
    lines = ["%s: %s" % (rec["verdict"], rec.get("reason") or "(no reason recorded)")]
    lines += [str(d) for d in rec.get("details") or []]
    return lines


# --- TAP (the Test Anything Protocol, version 13, as kselftest prints it) ---

def tap(records):
    """TAP version 13 text: one `ok N - suite/name` or `not ok N - suite/name` line per
    record, a YAML block with the verdict and reason under each failure; SKIP as a
    directive."""
    out = ["TAP version 13", "1..%d" % len(records)]
    for n, rec in enumerate(records, 1):
        name = label(rec)
        if rec["verdict"] == "SKIP":
            out.append("ok %d - %s # SKIP %s" % (n, name, rec.get("reason", "")))
        elif passed(rec):
            out.append("ok %d - %s" % (n, name))
        else:
            out.append("not ok %d - %s" % (n, name))
            out.append("  ---")
            out.append("  verdict: %s" % rec["verdict"])
            out.append("  reason: %s" % json.dumps(rec.get("reason", "")))
            if rec.get("rerun"):
                out.append("  rerun: %s" % json.dumps(rec["rerun"]))
            details = [str(d) for d in rec.get("details") or []]
            if details:
                out.append("  details: |")
                out += ["    " + d for d in details]
            out.append("  ...")
    return "\n".join(out) + "\n"


# --- Pintos: result files, the check summary, the plain-text grade ---

def pintos_name(rec):
    """tests/SUITE/NAME for an emulated or expect test (Pintos's names); other items
    (host/NAME, harness/selftest) keep their id. A seed adds `.seedN`."""
    name = rec["test"] if rec.get("kind", "emu") in ("host", "selftest") else "tests/" + rec["test"]
    return name + (".seed%d" % rec["seed"] if rec.get("seed") else "")


def pintos_result(rec):
    """The text of a Pintos NAME.result file: `PASS`, or `FAIL` then why."""
    if passed(rec):
        return "PASS\n"
    return "FAIL\n" + "\n".join(_reason_lines(rec)) + "\n"


def write_pintos_files(records, build_dir):
    """build/tests/SUITE/NAME.output (the console) and NAME.result of every emulated and
    expect record, where Pintos keeps them; returns the paths of the .result files."""
    written = []
    for rec in records:
        if rec.get("kind", "emu") not in ("emu", "expect"):
            continue
        base = os.path.join(build_dir, pintos_name(rec))
        os.makedirs(os.path.dirname(base), exist_ok=True)
        with open(base + ".output", "w", encoding="utf-8") as f:
            f.write(rec.get("console") or "")
        with open(base + ".result", "w", encoding="utf-8") as f:
            f.write(pintos_result(rec))
        written.append(base + ".result")
    return written


def pintos_summary(records):
    """`pass tests/SUITE/NAME` or `FAIL tests/SUITE/NAME` per record, then Pintos's
    closing line (`All N tests passed.` or `K of N tests failed.`)."""
    lines = ["%s %s" % ("pass" if passed(r) or r["verdict"] == "SKIP" else "FAIL", pintos_name(r))
             for r in records]
    failed = sum(1 for r in records if not passed(r) and r["verdict"] != "SKIP")
    if failed:
        lines.append("%d of %d tests failed." % (failed, len(records)))
    else:
        lines.append("All %d tests passed." % len(records))
    return "\n".join(lines) + "\n"


def grade_text(grade, records):
    """The plain-text grade (build/grade): the total first, as a percentage of the points
    that could be earned, then the table by group and every test that did not pass."""
    top = grade.get("max", 100.0) or 0.0
    pct = 100.0 * grade["total"] / top if top else 0.0
    lines = ["TOTAL TESTING SCORE: %.1f%% (%.2f of %.2f points)" % (pct, grade["total"], top)]
    graded = [r for r in records if r.get("kind", "emu") == "emu"]
    if graded and all(passed(r) for r in graded):
        lines.append("ALL TESTED PASSED -- PERFECT SCORE")
    if grade.get("subset"):
        lines.append("Only the selected tests are scored: %d of the %d tests the rubric grades."
                     % (grade["subset"]["selected"], grade["subset"]["all"]))
    lines += ["", "SUMMARY BY GROUP", "",
              "%-28s %7s %11s %7s %7s" % ("group", "passed", "points", "weight", "score")]
    for g, r in grade["groups"].items():
        lines.append("%-28s %3d/%-3d %5g/%-5g %7.2f %7.2f" % (g, r["passed"], r["tests"], r["earned"],
                                                             r["points"], r["weight"], r["score"]))
    failed = [r for r in graded if not passed(r)]
    if failed:
        lines += ["", "TESTS THAT DID NOT PASS", ""]
        for r in failed:
            lines.append("%s %s: %s" % (r["verdict"], label(r), r.get("reason", "")))
    return "\n".join(lines) + "\n"


# --- Gradescope ---

def gradescope(grade, records, visibility=None, default_visibility="visible"):
    """Gradescope's results.json as a dict: the total score, and one entry per graded test
    with its score, max_score, status, output (verdict, reason, details) and visibility.
    visibility: {test label: visible|hidden|after_due_date|after_published}; tests it
    does not name get default_visibility. A hidden test's output stays hidden with it."""
    visibility = visibility or {}
    per_test = grade.get("tests", {})
    tests = []
    for rec in records:
        if rec.get("kind", "emu") != "emu":
            continue
        name = label(rec)
        share = per_test.get(name, {})
        entry = {"name": name, "score": share.get("score", 0.0), "max_score": share.get("max_score", 0.0),
                 "status": "passed" if passed(rec) else "failed",
                 "output": "PASS" if passed(rec) else "\n".join(_reason_lines(rec)),
                 "visibility": visibility.get(name, default_visibility)}
        if share.get("group"):
            entry["tags"] = [share["group"]]
        tests.append(entry)
    hidden = sum(1 for t in tests if t["visibility"] != "visible")
    text = "Kestrel: %.2f of %.2f points" % (grade["total"], grade.get("max", 100.0))
    if hidden:
        text += "; %d tests are hidden until the scores are released" % hidden
    return {"score": grade["total"], "output": text, "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests}


def write_text(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def write_json(path, data):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    return path
