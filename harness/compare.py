"""What a change did: two results directories compared test by test.

    python3 -m harness compare OLD NEW [--html FILE] [--markdown FILE]
                                       [--fail-faults PCT] [--fail-cycles PCT] [--min-cycles PCT]
    make compare OLD=build/results-main NEW=build/results

OLD and NEW are what `make check` (or `python3 -m harness merge`) left in a RESULTS
directory. For every test in either: the verdict, page faults by kind, major faults,
cycles before kernel entry (the BIOS and boot loader: `entry_tsc`) and after it
(`tsc - entry_tsc`), evictions and swap traffic. Changed tests come first, the biggest
change first (a verdict first of all). Markdown on stdout (ready for a pull-request
comment), HTML with a small plot per changed test with --html.

Exit status: 1 when a test's verdict got worse (PASS to anything else, or a test that
passed is missing), or, with --fail-faults PCT / --fail-cycles PCT, when a test's fault
count (total, major or a kind) / cycles after entry grew by more than PCT percent; 2 on
bad arguments; 0 otherwise.
"""

import argparse
import glob
import html
import json
import os
import sys

# (key, label) of the counts compared; each is a STATS key or a derived one below.
KINDS = [("pf_file", "file"), ("pf_zero", "zero"), ("pf_stack", "stack"), ("pf_swapin", "swap-in"),
         ("pf_wp", "write-protect"), ("pf_inherit", "inherit"), ("pf_invalid", "invalid")]
COUNTS = [("pf_total", "faults"), ("pf_major", "major")] + KINDS + [
    ("evictions", "evictions"), ("swap_in", "swap-ins"), ("swap_out", "swap-outs")]
CYCLES = [("cycles_after", "cycles after entry"), ("cycles_before", "cycles before entry")]
NOT_RESULTS = {"summary.json", "grade.json", "bench.json"}


class CompareError(Exception):
    pass


def load(path):
    """{test id (with .seedN): record} of a results directory."""
    if not os.path.isfile(os.path.join(path, "summary.json")):
        raise CompareError("%s is not a results directory (no summary.json)" % path)
    out = {}
    for f in glob.glob(os.path.join(path, "**", "*.json"), recursive=True):
        if os.path.basename(f) in NOT_RESULTS:
            continue
        try:
            with open(f) as fh:
                rec = json.load(fh)
        except (OSError, ValueError):
            continue
        if not isinstance(rec, dict) or "test" not in rec or "verdict" not in rec:
            continue
        key = rec["test"] + (".seed%d" % rec["seed"] if rec.get("seed") else "")
        out[key] = rec
    return out


def metrics(rec):
    """The compared numbers of one record ({} for a test without a STATS line)."""
    s = (rec or {}).get("stats") or {}
    if not s:
        return {}
    m = {k: s[k] for k, _ in COUNTS if k in s}
    if any(k in s for k in ("evict_swap", "evict_write", "evict_drop")):
        m["evictions"] = s.get("evict_swap", 0) + s.get("evict_write", 0) + s.get("evict_drop", 0)
    if "tsc" in s and "entry_tsc" in s:
        m["cycles_after"] = s["tsc"] - s["entry_tsc"]
        m["cycles_before"] = s["entry_tsc"]
    return m


def pct(old, new):
    if old == new:
        return 0.0
    return 100.0 * (new - old) / old if old else float("inf")


class Row:
    """One test's comparison."""

    def __init__(self, test, old, new):
        self.test = test
        self.old_v = old["verdict"] if old else None
        self.new_v = new["verdict"] if new else None
        self.old = metrics(old)
        self.new = metrics(new)
        self.worse = self.old_v == "PASS" and self.new_v != "PASS"
        self.reason = (new or {}).get("reason") or ""
        self.better = self.old_v not in (None, "PASS") and self.new_v == "PASS"

    def delta(self, key):
        if key in self.old and key in self.new:
            return self.old[key], self.new[key]
        return None

    def count_changes(self):
        return [(k, lbl) + self.delta(k) for k, lbl in COUNTS
                if self.delta(k) and self.delta(k)[0] != self.delta(k)[1]]

    def size(self, min_cycles):
        """Sort key: verdict changes first, then the largest relative change of a count,
        then of cycles (cycles below min_cycles percent do not count)."""
        counts = max([min(abs(pct(o, n)), 1e9) for _, _, o, n in self.count_changes()] or [0])
        d = self.delta("cycles_after")
        cyc = abs(pct(*d)) if d else 0.0
        if cyc < min_cycles:
            cyc = 0.0
        return (2 if self.worse else 1 if self.old_v != self.new_v else 0, counts, cyc)

    def changed(self, min_cycles):
        s = self.size(min_cycles)
        return s[0] > 0 or s[1] > 0 or s[2] > 0


def fmt_pct(o, n):
    p = pct(o, n)
    if p == float("inf"):
        return "new"
    return "%+.2f%%" % p if abs(p) < 1 else "%+.1f%%" % p


def fmt_delta(o, n, cycles=False):
    if o == n:
        return "%s" % format(n, ",")
    if cycles:
        return "%s → %s (%s, %s)" % (format(o, ","), format(n, ","), format(n - o, "+,"), fmt_pct(o, n))
    return "%d → %d (%+d)" % (o, n, n - o)


def verdict_cell(r):
    if r.old_v == r.new_v:
        return r.new_v
    return "%s → %s%s" % (r.old_v or "(absent)", r.new_v or "(absent)",
                          " **worse**" if r.worse else " better" if r.better else "")


def markdown(rows, old_path, new_path, min_cycles, failures):
    changed = [r for r in rows if r.changed(min_cycles)]
    worse = [r for r in rows if r.worse]
    out = ["### Kestrel: what the change did", "",
           "`%s` → `%s`: %d tests compared, %d changed, %d verdicts worse, %d better."
           % (old_path, new_path, len(rows), len(changed), len(worse),
              sum(r.better for r in rows)), ""]
    if changed:
        out += ["| test | verdict | page faults | major | by kind (changed) | evictions | swap in / out | cycles after kernel entry | cycles before entry |",
                "|---|---|---|---|---|---|---|---|---|"]
        for r in changed:
            def cell(k, cycles=False):
                d = r.delta(k)
                return fmt_delta(*d, cycles=cycles) if d else ""
            kinds = ", ".join("%s %d→%d" % (lbl, o, n) for k, lbl, o, n in r.count_changes()
                              if k in dict(KINDS))
            sw = ""
            if r.delta("swap_in"):
                sw = "%s / %s" % (cell("swap_in"), cell("swap_out"))
            out.append("| `%s` | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                r.test, verdict_cell(r), cell("pf_total"), cell("pf_major"), kinds,
                cell("evictions"), sw, cell("cycles_after", True), cell("cycles_before", True)))
        out.append("")
    same = len(rows) - len(changed)
    out.append("%d tests unchanged (verdict and every count equal; cycles within %g%%)."
               % (same, min_cycles))
    if failures:
        out += ["", "**Fails** (exit status 1):", ""] + ["- %s" % f for f in failures]
    return "\n".join(out) + "\n"


def svg_plot(r):
    """Bars of old (grey) and new (blue or red) for each changed count and cycles."""
    items = [(lbl, o, n) for _, lbl, o, n in r.count_changes()]
    d = r.delta("cycles_after")
    if d and d[0] != d[1]:
        items.append(("cycles after entry", d[0], d[1]))
    if not items:
        return ""
    h = 18 * len(items) + 6
    parts = ['<svg width="560" height="%d" xmlns="http://www.w3.org/2000/svg" font-size="11">' % h]
    for i, (lbl, o, n) in enumerate(items):
        m = max(o, n, 1)
        y = 4 + 18 * i
        parts.append('<text x="0" y="%d">%s</text>' % (y + 11, html.escape(lbl)))
        parts.append('<rect x="120" y="%d" width="%.1f" height="7" fill="#999"/>' % (y, 250.0 * o / m))
        parts.append('<rect x="120" y="%d" width="%.1f" height="7" fill="%s"/>'
                     % (y + 7, 250.0 * n / m, "#c0392b" if n > o else "#2e86de"))
        parts.append('<text x="376" y="%d">%s</text>' % (y + 11, html.escape(
            "%s (%s)" % (format(n - o, "+,"), fmt_pct(o, n)))))
    parts.append("</svg>")
    return "".join(parts)


def html_page(rows, old_path, new_path, min_cycles, failures):
    md = markdown(rows, old_path, new_path, min_cycles, failures)
    changed = [r for r in rows if r.changed(min_cycles)]
    body = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Kestrel compare</title>",
            "<style>body{font:14px sans-serif;margin:16px}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top}th{background:#eee}"
            ".worse{background:#fdd}.better{background:#dfd}</style></head><body>",
            "<h1>What the change did</h1><p><code>%s</code> &rarr; <code>%s</code>: %d tests, %d changed.</p>"
            % (html.escape(old_path), html.escape(new_path), len(rows), len(changed)),
            "<p>Grey bar: before; blue: after, lower; red: after, higher.</p>"]
    for f in failures:
        body.append("<p class='worse'><b>Fails:</b> %s</p>" % html.escape(f.replace("`", "")))
    body.append("<table><tr><th>test</th><th>verdict</th><th>changes</th><th>plot</th></tr>")
    for r in changed:
        cls = " class='worse'" if r.worse else " class='better'" if r.better else ""
        lines = ["%s: %s" % (lbl, fmt_delta(o, n)) for _, lbl, o, n in r.count_changes()]
        for k, lbl in CYCLES:
            d = r.delta(k)
            if d and d[0] != d[1]:
                lines.append("%s: %s" % (lbl, fmt_delta(d[0], d[1], True)))
        body.append("<tr%s><td><code>%s</code></td><td>%s</td><td>%s</td><td>%s</td></tr>" % (
            cls, html.escape(r.test), html.escape(verdict_cell(r).replace("**", "")),
            "<br>".join(html.escape(x) for x in lines), svg_plot(r)))
    body.append("</table><h2>Markdown</h2><pre>%s</pre></body></html>" % html.escape(md))
    return "\n".join(body)


def compare(old, new, fail_faults=None, fail_cycles=None, min_cycles=1.0):
    """(rows sorted by size of change, failure messages)."""
    rows = [Row(t, old.get(t), new.get(t)) for t in sorted(set(old) | set(new))]
    rows.sort(key=lambda r: r.size(min_cycles), reverse=True)
    failures = []
    for r in rows:
        if r.worse:
            failures.append("`%s` verdict %s → %s%s" % (r.test, r.old_v, r.new_v or "(absent)",
                                                      ": " + r.reason if r.reason else ""))
        if fail_faults is not None:
            for k, lbl, o, n in r.count_changes():
                if k.startswith("pf_") and pct(o, n) > fail_faults:
                    failures.append("`%s` %s %d → %d (more than +%g%%)" % (r.test, lbl, o, n, fail_faults))
        d = r.delta("cycles_after")
        if fail_cycles is not None and d and pct(*d) > fail_cycles:
            failures.append("`%s` cycles after entry %s → %s (more than +%g%%)"
                            % (r.test, format(d[0], ","), format(d[1], ","), fail_cycles))
    return rows, failures


def main(argv):
    p = argparse.ArgumentParser(prog="python3 -m harness compare",
                                description="compare two results directories test by test")
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--make", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--markdown", metavar="FILE", help="also write the Markdown to FILE")
    p.add_argument("--html", metavar="FILE", help="write the HTML report (a plot per changed test)")
    p.add_argument("--fail-faults", type=float, metavar="PCT",
                   help="fail when a test's faults (total, major or a kind) grow by more than PCT%%")
    p.add_argument("--fail-cycles", type=float, metavar="PCT",
                   help="fail when a test's cycles after kernel entry grow by more than PCT%%")
    p.add_argument("--min-cycles", type=float, default=1.0, metavar="PCT",
                   help="cycle changes below PCT%% do not make a test 'changed' (default 1)")
    if argv[:1] == ["--make"] and (len(argv) < 3 or not argv[1] or not argv[2]):
        sys.stderr.write("make compare needs OLD=DIR NEW=DIR (two results directories)\n")
        return 2
    try:
        args = p.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0
    try:
        old, new = load(args.old), load(args.new)
    except CompareError as e:
        sys.stderr.write("compare: %s\n" % e)
        return 2
    rows, failures = compare(old, new, args.fail_faults, args.fail_cycles, args.min_cycles)
    md = markdown(rows, args.old, args.new, args.min_cycles, failures)
    sys.stdout.write(md)
    try:
        if args.markdown:
            with open(args.markdown, "w") as f:
                f.write(md)
        if args.html:
            with open(args.html, "w") as f:
                f.write(html_page(rows, args.old, args.new, args.min_cycles, failures))
    except OSError as e:
        sys.stderr.write("compare: cannot write %s: %s\n" % (e.filename, e.strerror))
        return 2
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
