"""python3 -m harness merge DIR...: join the results directories of shards into one.

Each DIR is a results directory (or holds some, as a CI download of artifacts does).
The merged directory gets every per-test record and console, one summary.json and one
junit.xml listing the items in the order an unsharded run lists them, and, when the
shards were graded, the grade.json the unsharded `make grade` would have written.
"""
import json
import os
import shutil

from harness import testcfg
from harness.common import HarnessError, rel
from harness.report import print_failures
from harness.results import find_result_dirs, load_outcomes, result_path, summary_line, write_summary

KIND_ORDER = {"emu": 0, "host": 1, "selftest": 2, "expect": 3}
RUN_KEYS = ("ips", "emulator", "repeat", "evict", "fork")


def unsharded_order(outcome):
    it = outcome.item
    return (KIND_ORDER.get(it.kind, 9), it.id, it.seed)


def cmd_merge(args):
    """Merges args.dirs into args.results; prints failures and the summary line last.
    Exit status 1 when a merged check has failures, 0 otherwise (a grade never fails)."""
    from harness import grade as grading
    if not args.dirs:
        raise HarnessError("merge needs the results directories of the shards: merge DIR...")
    out_dir = os.path.abspath(args.results)
    dirs = [d for d in find_result_dirs(args.dirs) if os.path.abspath(d) != out_dir]
    if not dirs:
        raise HarnessError("nothing to merge: the only results directory given is the output %s" % rel(out_dir))
    tests = testcfg.load_tests(args.tests_root) if args.tests_root else testcfg.load_tests()
    by_id = {t.id: t for t in tests}
    merged, seen, infos, grades = [], {}, [], []
    for d in dirs:
        outcomes, summary = load_outcomes(d, by_id)
        infos.append(summary)
        if os.path.exists(os.path.join(d, "grade.json")):
            with open(os.path.join(d, "grade.json")) as f:
                grades.append(json.load(f))
        for o in outcomes:
            key = (o.item.id, o.item.seed)
            if key in seen:
                raise HarnessError("%s is in both %s and %s: shards must not overlap"
                                   % (o.item.label, rel(seen[key]), rel(d)))
            seen[key] = d
            merged.append((o, d))
    for k in RUN_KEYS:
        values = {str(i.get(k)) for i in infos}
        if len(values) > 1:
            raise HarnessError("the shards ran with different %s (%s): they cannot be merged"
                               % (k, ", ".join(sorted(values))))
    merged.sort(key=lambda pair: unsharded_order(pair[0]))
    os.makedirs(out_dir, exist_ok=True)
    records = []
    for o, d in merged:
        for ext in (".json", ".console"):
            src = result_path(d, o.item, ext)
            if os.path.exists(src):
                dst = result_path(out_dir, o.item, ext)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copyfile(src, dst)
        with open(result_path(out_dir, o.item, ".json")) as f:
            records.append(json.load(f))
    outcomes = [o for o, _ in merged]
    info = {k: infos[0].get(k) for k in RUN_KEYS + ("jobs", "command")}
    info.update(shard=None, merged_from=[rel(d) for d in dirs],
                wall_seconds=round(sum(i.get("wall_seconds", 0) for i in infos), 2))
    counts = write_summary(out_dir, outcomes, records, info)
    print("Merged %d results directories (%d items) into %s" % (len(dirs), len(outcomes), rel(out_dir)))
    if grades:
        rubric = grading.load_rubric(args.rubric)
        result = grading.score(outcomes, rubric)
        if "faults" in grades[0]:
            result["faults"] = grades[0]["faults"]
        grading.close_grade(outcomes, result, counts, out_dir)
        return 0
    print_failures(outcomes)
    print(summary_line(counts))
    return 1 if counts["failed"] else 0
