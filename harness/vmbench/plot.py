"""build/results/bench.svg, written by hand: the memory-pressure ratios to OPT and the fork
costs, as horizontal bar groups. Each panel stands alone: a title, a line saying what is
measured, a legend, an x axis with ticks and its unit, and footnotes (the OPT line, the
log scale, the two-process workload)."""
import math
from xml.sax.saxutils import escape

# Twelve colours a reader can tell apart (no two series of a panel share one).
COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
          "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a"]
LEFT, WIDTH, BAR, GAP, RIGHT = 170, 520, 10, 14, 150
SIM_PREFIX = "sim "


def _text(x, y, s, size=11, anchor="start", weight="normal", fill="#000"):
    return ('<text x="%.1f" y="%.1f" font-size="%d" text-anchor="%s" font-weight="%s" fill="%s">%s</text>'
            % (x, y, size, anchor, weight, fill, escape(s)))


def _fill(series, i):
    """Fill of series i: its colour, hatched for simulated series (`sim NAME`)."""
    return "url(#hatch%d)" % i if series[i].startswith(SIM_PREFIX) else COLORS[i % len(COLORS)]


def _defs(n):
    """Hatch patterns, one per colour, for the simulated series."""
    out = ["<defs>"]
    for i in range(n):
        c = COLORS[i % len(COLORS)]
        out.append('<pattern id="hatch%d" width="5" height="5" patternUnits="userSpaceOnUse" '
                   'patternTransform="rotate(45)"><rect width="5" height="5" fill="white"/>'
                   '<rect width="2.5" height="5" fill="%s"/></pattern>' % (i, c))
    out.append("</defs>")
    return out


def _legend(series, y0):
    """Legend rows (simulated series first, then the kernel's); returns (elements, height)."""
    out = []
    y = y0
    for kind, pick in (("simulated (hatched):", lambda s: s.startswith(SIM_PREFIX)),
                       ("kernel (solid):", lambda s: not s.startswith(SIM_PREFIX))):
        idx = [i for i, s in enumerate(series) if pick(s)]
        if not idx:
            continue
        out.append(_text(10, y + 9, kind, 10, fill="#333"))
        x = LEFT
        for i in idx:
            name = series[i][len(SIM_PREFIX):] if series[i].startswith(SIM_PREFIX) else series[i]
            name = name.replace("kernel ", "")
            out.append('<rect x="%d" y="%d" width="14" height="10" fill="%s" stroke="%s"/>'
                       % (x, y, _fill(series, i), COLORS[i % len(COLORS)]))
            out.append(_text(x + 18, y + 9, name, 10))
            x += 40 + 7 * len(name)
        y += 15
    return out, y - y0


def _axis(y, ticks, scale, unit):
    """The x axis at height y: a line, tick marks with labels, the unit below;
    ticks: [(value, label)]. Returns (elements, height)."""
    out = ['<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#000"/>' % (LEFT, y, LEFT + WIDTH, y)]
    for v, lab in ticks:
        x = LEFT + WIDTH * scale(v)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#000"/>' % (x, y, x, y + 4))
        out.append(_text(x, y + 15, lab, 10, "middle"))
    out.append(_text(LEFT + WIDTH / 2, y + 30, unit, 11, "middle"))
    return out, 36


def _panel(title, subtitle, groups, series, scale, label, ticks, unit, y0, marks=(), notes=()):
    """SVG elements of one panel and its height. groups: [(name, {series: value})];
    scale(v) -> 0..1 bar length; label(v) -> text beside the bar; ticks: [(value, label)]
    of the x axis; marks: [(value, text)] dashed vertical lines; notes: footnote lines."""
    out = [_text(10, y0 + 16, title, 15, weight="bold"), _text(10, y0 + 32, subtitle, 11, fill="#333")]
    leg, h = _legend(series, y0 + 42)
    out += leg
    top = y0 + 48 + h + (14 if marks else 0)
    y = top
    grid = []
    for v, _ in ticks:
        x = LEFT + WIDTH * scale(v)
        grid.append(x)
    bars = []
    for name, values in groups:
        bars.append(_text(LEFT - 6, y + len(series) * BAR / 2 + 4, name, 11, "end"))
        for i, s in enumerate(series):
            v = values.get(s)
            yy = y + i * BAR
            if v is None:
                bars.append(_text(LEFT + 3, yy + BAR - 1, "n/a (%s)" % s, 8, fill="#888"))
                continue
            w = max(1.0, WIDTH * min(1.0, scale(v)))
            bars.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s" stroke="%s" stroke-width="0.5"/>'
                        % (LEFT, yy, w, BAR - 1, _fill(series, i), COLORS[i % len(COLORS)]))
            bars.append(_text(LEFT + w + 3, yy + BAR - 1.5, label(v), 8))
        y += len(series) * BAR + GAP
    bottom = y - GAP + 4
    for x in grid:
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>' % (x, top - 2, x, bottom))
    out += bars
    for v, text in marks:
        x = LEFT + WIDTH * scale(v)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#000" stroke-width="1.5" '
                   'stroke-dasharray="5,3"/>' % (x, top - 6, x, bottom))
        out.append(_text(x, top - 9, text, 10, "middle", weight="bold"))
    ax, h = _axis(bottom, ticks, scale, unit)
    out += ax
    y = bottom + h + 6
    for n in notes:
        out.append(_text(10, y + 8, n, 10, fill="#333"))
        y += 14
    return out, y - y0


def _linear_ticks(vmax):
    """Ticks from 0 past vmax at a round step (at most about 8)."""
    for step in (0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100):
        if vmax / step <= 8:
            break
    n = int(math.ceil(vmax / step - 1e-9))
    return [(k * step, ("%g" % (k * step))) for k in range(n + 1)], n * step


def _si(v):
    for div, suffix in ((10 ** 9, "G"), (10 ** 6, "M"), (10 ** 3, "k")):
        if v >= div:
            return "%g%s" % (v / div, suffix)
    return "%g" % v


def write(path, pressure_groups, pressure_series, fork_groups, fork_series, pressure_notes=()):
    """pressure_groups: [(workload, {series: faults / OPT's})] (series `sim NAME` are
    simulated, the others the kernel's); fork_groups: [(workload, {mode: cycles per fork})];
    pressure_notes: footnotes of the pressure panel (workloads marked `*`)."""
    body = []
    top = 10
    if pressure_groups:
        vmax = max([1.0] + [v for _, d in pressure_groups for v in d.values() if v is not None])
        ticks, end = _linear_ticks(vmax)
        els, h = _panel("Memory pressure: page faults relative to OPT",
                        "Each bar: faults of a policy on a workload (first touches included) / faults of "
                        "Belady's OPT on it; lower is better.",
                        pressure_groups, pressure_series, lambda v: v / end, lambda v: "%.2f" % v,
                        ticks, "faults / OPT's faults (ratio; 1 = as few as OPT)", top,
                        marks=[(1.0, "OPT = 1")],
                        notes=["Dashed line: OPT (Belady's optimal replacement, simulated on the same "
                               "reference string and frame count)."] + list(pressure_notes))
        body += els
        top += h + 24
    if fork_groups:
        vals = [v for _, d in fork_groups for v in d.values() if v]
        lo = math.floor(math.log10(max(1, min(vals)))) if vals else 0
        hi = math.ceil(math.log10(max(vals))) if vals else 1
        hi = max(hi, lo + 1)
        span = float(hi - lo)
        ticks = [(10 ** k, _si(10 ** k)) for k in range(lo, hi + 1)]
        els, h = _panel("Fork: cost of one fork, by fork strategy",
                        "Each bar: emulated CPU cycles per fork in the parent plus the child's writes "
                        "(Bochs TSC); lower is better.",
                        fork_groups, fork_series,
                        lambda v: (math.log10(max(v, 1)) - lo) / span,
                        lambda v: "{:,}".format(int(v)), ticks,
                        "cycles per fork (log scale: each tick is 10 times the one before)", top,
                        notes=["Strategies: kernel option -fork=MODE. eager copies every page at fork; share, lazy "
                               "and cow (the default) put copying off until later."])
        body += els
        top += h + 10
    n = max(len(pressure_series), len(fork_series), 1)
    head = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
            'font-family="sans-serif" font-size="11">' % (LEFT + WIDTH + RIGHT, top),
            '<rect width="100%" height="100%" fill="white"/>'] + _defs(n)
    with open(path, "w") as f:
        f.write("\n".join(head + body + ["</svg>"]) + "\n")


def from_bench_json(doc):
    """The arguments of write() rebuilt from a bench.json (python3 -m harness.vmbench.plot
    re-draws a plot without rerunning the workloads)."""
    groups, notes, two = [], [], []
    policies = doc.get("policies", [])
    series = ["%s%s" % (SIM_PREFIX, p) for p in ("fifo", "clock", "lru")] + ["kernel %s" % p for p in policies]
    for w in doc.get("pressure", []):
        best = w["simulated"]["opt"]["faults"]
        vals = {"%s%s" % (SIM_PREFIX, p): w["simulated"][p]["faults"] / best for p in ("fifo", "clock", "lru")}
        for p in policies:
            k = (w["kernel"].get(p) or {}).get("faults")
            vals["kernel %s" % p] = k["faults"] / best if k else None
        name = w["test"].split("/")[-1]
        if not w.get("exact_string", True):
            two.append(name)
            name += " *"
        groups.append((name, vals))
    if two:
        notes = ["* %s: several processes. Their OPT is simulated with the processes' touches strictly "
                 "alternating;" % ", ".join(two),
                 "   the scheduler runs each for whole time slices instead, so the kernel can fault "
                 "less than this OPT (a ratio below 1 there is expected)."]
    forks, modes = [], []
    for w in doc.get("fork", []):
        vals = {}
        for m, r in w["modes"].items():
            f = r.get("figures") or {}
            base = f.get("fork_cycles", f.get("chain_cycles_per_level"))
            vals[m] = None if base is None else base + f.get("child_write_cycles", 0)
            if m not in modes:
                modes.append(m)
        forks.append((w["test"].split("/")[-1], vals))
    order = ["eager", "share", "lazy", "cow"]          # vmbench's order (forks.MODES)
    modes.sort(key=lambda m: (order.index(m) if m in order else len(order), m))
    return groups, series, forks, modes, notes


if __name__ == "__main__":
    import json
    import sys
    if len(sys.argv) != 3:
        sys.stderr.write("usage: python3 -m harness.vmbench.plot BENCH.json OUT.svg\n")
        sys.exit(2)
    try:
        with open(sys.argv[1]) as fh:
            g, s, fg, fs, n = from_bench_json(json.load(fh))
    except (OSError, ValueError, KeyError, TypeError) as e:
        sys.stderr.write("plot: cannot read %s: %s\n" % (sys.argv[1], e))
        sys.exit(2)
    write(sys.argv[2], g, s, fg, fs, n)
