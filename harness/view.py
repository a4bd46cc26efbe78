"""The VM page of a test: one self-contained HTML file drawn from its VM trace.

    python3 -m harness view RESULTS/SUITE/NAME.trace [-o OUT.html] [--console FILE]
    make view TEST=vm/page-linear        (runs the test with the trace, writes the page)
    make check VIEW=1                    (a page for every emulated test of the run)

The page embeds the decoded trace and the test's STATS line as JSON (<script
id="vm-data">) and draws everything with its own script: no network, no server. Its
script also recounts the faults from the records into <pre id="vm-selfcheck"> so a
browser test can compare what the page computed with the STATS line.
"""

import argparse
import glob
import json
import os
import sys

from harness import trace
from harness.common import DEFAULT_IPS, HarnessError

# The keys a page's own fault counts are checked against (the STATS line's).
CHECKED_KEYS = ["pf_total", "pf_file", "pf_zero", "pf_stack", "pf_swapin", "pf_wp", "pf_invalid",
                "pf_inherit", "pf_major", "pf_minor", "pf_wp_copy", "pf_wp_reuse", "swap_in",
                "swap_out", "evict_swap", "evict_write", "evict_drop"]


def page_data(test, records, stats, ips=None):
    """The JSON object the page embeds."""
    keep = ("n", "type", "tid", "space", "tsc", "frames", "swap", "va", "write", "user", "kind",
            "cost", "result", "frame", "how", "slot", "first", "child_tid", "child_space",
            "mode", "name", "status", "len", "filesz", "writable", "frame_table", "user_pool")
    events = [{k: r[k] for k in keep if k in r} for r in records]
    for e, r in zip(events, records):
        e["line"] = r["line"]
    return {"test": test, "ips": ips or DEFAULT_IPS, "stats": stats or {},
            "counts": trace.counts(records), "checked": CHECKED_KEYS, "events": events}


def mismatches(data):
    """[(key, page's count, STATS value)] where the page's own counts differ from the
    STATS line (keys the STATS line lacks are not compared)."""
    return [(k, data["counts"].get(k), data["stats"][k]) for k in data["checked"]
            if k in data["stats"] and data["counts"].get(k) != data["stats"][k]]


def embedded_data(html):
    """The JSON a page embeds (for tests and tools)."""
    start = html.index('<script id="vm-data" type="application/json">')
    start = html.index(">", start) + 1
    end = html.index("</script>", start)
    return json.loads(html[start:end].replace("<\\/", "</"))


def render(data):
    """The page's HTML."""
    blob = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    return (PAGE.replace("@TITLE@", _esc(data["test"]))
            .replace("@DATA@", blob))


def _esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_view(trace_path, out_path, test=None, stats=None, ips=None):
    """Decodes trace_path and writes the page to out_path; returns the page data."""
    with open(trace_path, "rb") as f:
        records = trace.decode(f.read())
    data = page_data(test or os.path.splitext(os.path.basename(trace_path))[0], records, stats, ips)
    with open(out_path, "w") as f:
        f.write(render(data))
    return data


def write_views(results_dir, outcomes):
    """A page next to every traced emulated outcome's result files (make check VIEW=1)."""
    from harness.results import result_path
    for o in outcomes:
        res = getattr(o, "result", None)
        if res is None or not res.trace:
            continue
        tpath = result_path(results_dir, o.item, ".trace")
        stats = o.verdict.stats if o.verdict else {}
        try:
            write_view(tpath, result_path(results_dir, o.item, ".html"), o.item.id, stats)
        except (trace.TraceError, OSError) as e:
            sys.stderr.write("view: %s: %s\n" % (o.item.id, e))


def run_one(test):
    """make view TEST=...: runs test with the trace (make check VIEW=1 for it alone) and
    names the page; the exit status of the check."""
    if not test:
        sys.stderr.write("make view needs TEST=suite/name (make check VIEW=1 pages a whole run)\n")
        return 2
    from harness import runner
    results = os.environ.get("RESULTS") or os.path.join("build", "results")
    status = runner.main(["check", "--no-unit", "--view", "--tests", test, "--results", results])
    pages = sorted(glob.glob(os.path.join(results, test + ".html")))
    for page in pages:
        print("view: %s" % page)
    if status == 0 and not pages:
        sys.stderr.write("view: %s has no page (not an emulated test?)\n" % test)
        return 1
    return status


def main(argv):
    if argv[:1] == ["--run"]:
        return run_one(argv[1] if len(argv) > 1 else "")
    p = argparse.ArgumentParser(prog="python3 -m harness view",
                                description="the VM page of a traced test (make view TEST=...)")
    p.add_argument("trace", help="RESULTS/SUITE/NAME.trace (make check TRACE=1 writes them)")
    p.add_argument("-o", "--output", help="HTML file (default: the trace's path with .html)")
    p.add_argument("--console", metavar="FILE",
                   help="the run's console, for its STATS line (default: RESULTS/SUITE/NAME.json)")
    args = p.parse_args(argv)
    base = os.path.splitext(args.trace)[0]
    out = args.output or base + ".html"
    stats, test, ips = {}, None, None
    try:
        with open(base + ".json") as f:
            rec = json.load(f)
            stats, test, ips = rec.get("stats") or {}, rec.get("test"), rec.get("ips")
    except (OSError, ValueError):
        pass
    if args.console:
        from harness.verdict import parse_stats
        try:
            with open(args.console, errors="replace") as f:
                stats = parse_stats(f.read()) or {}
        except OSError as e:
            sys.stderr.write("view: cannot read %s: %s\n" % (args.console, e.strerror))
            return 2
    try:
        data = write_view(args.trace, out, test, stats, ips)
    except OSError as e:
        sys.stderr.write("view: cannot read %s: %s\n" % (args.trace, e.strerror))
        return 2
    except trace.TraceError as e:
        sys.stderr.write("view: %s: %s\n" % (args.trace, e))
        return 2
    bad = mismatches(data)
    print("view: %s (%d records, %d faults)%s" % (
        out, len(data["events"]), data["counts"]["pf_total"],
        "" if data["stats"] else "; no STATS line to check against"))
    for k, mine, theirs in bad:
        print("view: %s: %s from the trace, %s on the STATS line" % (out, mine, theirs))
    return 1 if bad else 0


PAGE = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "view_page.html")).read() \
    if os.path.exists(os.path.join(os.path.dirname(os.path.abspath(__file__)), "view_page.html")) else ""


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
