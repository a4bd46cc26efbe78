"""Plain-text tables for the benchmark report."""


def table(head, rows, out):
    """Writes HEAD and ROWS (lists of cells) to OUT, the first column left-aligned and the
    others right-aligned, each as wide as its widest cell."""
    cells = [[str(c) for c in r] for r in [head] + rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(head))]
    for r in cells:
        out.write("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                            for i, (c, w) in enumerate(zip(r, widths))).rstrip() + "\n")


def ratio(value, base):
    """value/base to two decimals (three significant digits below 0.1, so that a 1% aim is
    readable); 1.00 when both are 0, '-' when either is unknown."""
    if value is None or base is None:
        return "-"
    if base == 0:
        return "1.00" if value == 0 else "inf"
    r = value / base
    return "%.2f" % r if r >= 0.1 or r == 0 else "%.3g" % r


def cell(value, base=None):
    """'value (ratio to base)' or 'n/a'."""
    if value is None:
        return "n/a"
    if base is None:
        return str(value)
    return "%d (%s)" % (value, ratio(value, base))
