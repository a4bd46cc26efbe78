"""build/results/bench.svg, written by hand: the memory-pressure ratios to OPT and the fork
costs, as horizontal bar groups."""
import math
from xml.sax.saxutils import escape

COLORS = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3",
          "#8c8c8c"]
LEFT, WIDTH, BAR, GAP = 150, 460, 9, 12


def _group_panel(title, groups, series, scale, label, y0, mark=None):
    """SVG elements of one panel and its height. groups: [(name, {series: value})];
    scale(v) -> 0..1 bar length; label(v) -> text beside the bar; mark: a value to draw a
    dashed vertical line at."""
    out = ['<text x="10" y="%d" font-size="14">%s</text>' % (y0 + 14, escape(title))]
    for i, s in enumerate(series):
        x = LEFT + (i % 4) * 150
        y = y0 + 24 + (i // 4) * 14
        out.append('<rect x="%d" y="%d" width="10" height="10" fill="%s"/>'
                   % (x, y, COLORS[i % len(COLORS)]))
        out.append('<text x="%d" y="%d">%s</text>' % (x + 14, y + 9, escape(s)))
    y = y0 + 30 + ((len(series) + 3) // 4) * 14
    for name, values in groups:
        out.append('<text x="10" y="%d">%s</text>' % (y + len(series) * BAR // 2 + 4, escape(name)))
        for i, s in enumerate(series):
            v = values.get(s)
            yy = y + i * BAR
            if v is None:
                out.append('<text x="%d" y="%d" font-size="8" fill="#888">n/a</text>'
                           % (LEFT + 2, yy + BAR - 1))
                continue
            w = max(1.0, WIDTH * scale(v))
            out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>'
                       % (LEFT, yy, w, BAR - 1, COLORS[i % len(COLORS)]))
            out.append('<text x="%.1f" y="%d" font-size="8">%s</text>'
                       % (LEFT + w + 3, yy + BAR - 1, escape(label(v))))
        y += len(series) * BAR + GAP
    if mark is not None:
        x = LEFT + WIDTH * scale(mark)
        top = y0 + 30 + ((len(series) + 3) // 4) * 14
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#333" '
                   'stroke-dasharray="3,3"/>' % (x, top - 4, x, y - GAP))
    return out, y - y0


def write(path, pressure_groups, pressure_series, fork_groups, fork_series):
    """pressure_groups: [(workload, {series: faults / OPT's})];
    fork_groups: [(workload, {mode: cycles per fork})]."""
    body = []
    top = 10
    if pressure_groups:
        vmax = max([1.0] + [v for _, d in pressure_groups for v in d.values() if v is not None])
        els, h = _group_panel("Page faults / OPT's, first touches included (1 = optimal)", pressure_groups,
                              pressure_series, lambda v: v / vmax, lambda v: "%.2f" % v, top,
                              mark=1.0)
        body += els
        top += h + 20
    if fork_groups:
        vals = [v for _, d in fork_groups for v in d.values() if v]
        lo = math.log10(max(1, min(vals))) - 0.3 if vals else 0
        hi = math.log10(max(vals)) if vals else 1
        span = max(hi - lo, 1e-9)
        els, h = _group_panel("Cycles per fork, child writes included (log scale)", fork_groups,
                              fork_series, lambda v: (math.log10(max(v, 1)) - lo) / span,
                              lambda v: "{:,}".format(int(v)), top)
        body += els
        top += h + 10
    head = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
            'font-family="sans-serif" font-size="11">' % (LEFT + WIDTH + 120, top),
            '<rect width="100%" height="100%" fill="white"/>']
    with open(path, "w") as f:
        f.write("\n".join(head + body + ["</svg>"]) + "\n")
