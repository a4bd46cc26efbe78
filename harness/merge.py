"""python3 -m harness merge DIR...: join the results directories of shards into one.

Each DIR is a results directory (or holds some, as a CI download of artifacts does).
The set must be complete: shards 1/N to N/N of one selection, each exactly once (a missing
or repeated shard is refused, by name, with exit status 2, so a CI job whose shard failed
to upload never reports green). The output directory is named with --results and must
not hold results already unless --force is given.
The merged directory gets every per-test record and console, one summary.json and one
junit.xml listing the items in the order an unsharded run lists them, and, when the
shards were graded, the grade.json the unsharded `make grade` would have written.
"""
import json
import os
import shutil

from harness import testcfg
from harness.common import HarnessError, ROOT, rel
from harness.report import print_failures
from harness.results import find_result_dirs, load_outcomes, result_path, summary_line, write_summary

KIND_ORDER = {"emu": 0, "host": 1, "selftest": 2, "expect": 3}
RUN_KEYS = ("ips", "emulator", "repeat", "evict", "fork", "fail_inject", "faults", "expected", "seeds",
            "tests", "selected")
# Files a results directory holds besides the per-test records (replaced by --force).
TOP_FILES = ("summary.json", "junit.xml", "results.tap", "grade.json", "grade.txt", "gradescope.json",
             "bench-compare.json")


def parse_shard_text(text):
    """(K, N) of a summary's shard field ('2/4'), None when the run was not a shard."""
    if not text:
        return None
    k, _, n = str(text).partition("/")
    try:
        return int(k), int(n)
    except ValueError:
        raise HarnessError("unreadable shard %r in a summary.json" % text)


def check_shard_set(dirs, infos):
    """HarnessError naming the missing and repeated shards unless dirs (with their
    summary.json contents infos) are shards 1/N..N/N of one run, each exactly once.
    Directories of unsharded runs may be merged together, but not with shards."""
    shards = [(parse_shard_text(i.get("shard")), d) for d, i in zip(dirs, infos)]
    sharded = [(s, d) for s, d in shards if s]
    if not sharded:
        return
    if len(sharded) != len(shards):
        whole = [rel(d) for s, d in shards if not s]
        raise HarnessError("%s %s not a shard; it cannot be merged with shards" % (
            ", ".join(whole), "is" if len(whole) == 1 else "are"))
    counts = sorted({n for (_, n), _ in sharded})
    if len(counts) > 1:
        raise HarnessError("the directories hold shards of different splits (%s): %s" % (
            ", ".join("/%d" % n for n in counts),
            ", ".join("%s %d/%d" % (rel(d), k, n) for (k, n), d in sharded)))
    n = counts[0]
    by_k = {}
    for (k, _), d in sharded:
        by_k.setdefault(k, []).append(d)
    problems = []
    missing = [k for k in range(1, n + 1) if k not in by_k]
    if missing:
        problems.append("shard%s %s missing" % ("s" if len(missing) > 1 else "",
                                               ", ".join("%d/%d" % (k, n) for k in missing)
                                               + (" are" if len(missing) > 1 else " is")))
    for k in sorted(by_k):
        if len(by_k[k]) > 1:
            problems.append("shard %d/%d is given %d times (%s)" % (k, n, len(by_k[k]),
                                                                   ", ".join(rel(d) for d in by_k[k])))
    if problems:
        raise HarnessError("incomplete set of shards: %s; nothing merged" % "; ".join(problems))


def clear_results(out_dir):
    """Removes the result files of an earlier run from out_dir (--force)."""
    for name in TOP_FILES:
        try:
            os.unlink(os.path.join(out_dir, name))
        except OSError:
            pass
    for root, _, files in os.walk(out_dir):
        for f in files:
            if f.endswith((".json", ".console", ".output", ".result")):
                os.unlink(os.path.join(root, f))


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
    if os.path.exists(os.path.join(out_dir, "summary.json")) and not args.force:
        raise HarnessError("%s already holds results; merge into a new directory, or add --force to replace them"
                           % rel(out_dir))
    tests = testcfg.load_tests(args.tests_root) if args.tests_root else testcfg.load_tests()
    by_id = {t.id: t for t in tests}
    summaries = []
    for d in dirs:
        try:
            with open(os.path.join(d, "summary.json")) as f:
                summaries.append(json.load(f))
        except (OSError, ValueError) as e:
            raise HarnessError("cannot read %s/summary.json: %s" % (rel(d), getattr(e, "strerror", None) or e))
    check_shard_set(dirs, summaries)
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
    selected = infos[0].get("selected")
    if selected is not None and parse_shard_text(infos[0].get("shard")) and len(merged) != selected:
        raise HarnessError("the shards hold %d results but their selection has %d items" % (len(merged), selected))
    merged.sort(key=lambda pair: unsharded_order(pair[0]))
    from harness.results import check_writable
    check_writable(out_dir)
    if args.force:
        clear_results(out_dir)
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
    info["shards"] = sorted(str(i.get("shard")) for i in infos if i.get("shard"))
    info.update(shard=None, merged_from=[rel(d) for d in dirs],
                wall_seconds=round(sum(i.get("wall_seconds", 0) for i in infos), 2))
    counts = write_summary(out_dir, outcomes, records, info)
    print("Merged %d results directories (%d items) into %s" % (len(dirs), len(outcomes), rel(out_dir)))
    if grades:
        rubric = grading.load_rubric(args.rubric)
        result = grading.score(outcomes, rubric, universe=grades[0].get("subset", {}).get("all"))
        if "faults" in grades[0]:
            result["faults"] = grades[0]["faults"]
        grading.close_grade(outcomes, result, counts, out_dir, records=records,
                            visibility=grading.visibility_of(outcomes, rubric,
                                                             os.path.join(ROOT, infos[0].get("expected") or "expected")))
        return 0
    print_failures(outcomes)
    print(summary_line(counts))
    return 1 if counts["failed"] else 0
