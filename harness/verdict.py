"""From one run's console to a verdict: PASS, FAIL, CRASH, TIMEOUT or ERROR."""
import difflib
import math
import os
import re

from harness.common import EXPECTED, ROOT
from harness.console import BANNER_FORM, BANNER_RE, BOOT_DONE_LINE, POWER_OFF_LINE

EXIT_LINE_RE = re.compile(r"^\S+: exit\(-?\d+\)$")
TIMER_RE = re.compile(r"^Timer: \d+ ticks$")

# STATS keys of the page-fault counters, with the names used in messages and .faults files.
FAULT_KEYS = [("pf_total", "total"), ("pf_file", "file"), ("pf_zero", "zero-fill"),
              ("pf_stack", "stack"), ("pf_swapin", "swap-in"), ("pf_wp", "write-protect"),
              ("pf_invalid", "invalid")]
BENCH_KEYS = ["ticks", "cycles"]   # cycles: tsc - boot_tsc, from `Boot complete.` to power-off
# STATS keys of swap, eviction and copy-on-write; recorded in each test's JSON when present.
VM_KEYS = ["pf_major", "pf_minor", "evict_swap", "evict_write", "evict_drop", "swap_used",
           "swap_peak", "frames_pinned", "pf_wp_copy", "pf_wp_reuse", "fork_copied",
           "pf_inherit"]
# Counters that must be back to zero at power-off when the kernel reports them.
ZERO_AT_POWEROFF = [("swap_used", "swap slots still in use"), ("frames_pinned", "frames still pinned")]


def vm_counts(stats):
    """The VM_KEYS present in a parsed STATS line."""
    return {k: stats[k] for k in VM_KEYS if k in stats}


def bench_values(stats):
    """Timer ticks and cycles of the run after boot (recorded in baselines, never checked)."""
    out = {}
    if "ticks" in stats:
        out["ticks"] = stats["ticks"]
    if isinstance(stats.get("tsc"), int) and isinstance(stats.get("boot_tsc"), int):
        out["cycles"] = stats["tsc"] - stats["boot_tsc"]
    return out


class Verdict:
    def __init__(self, status, reason=""):
        self.status = status          # PASS FAIL CRASH TIMEOUT ERROR
        self.reason = reason          # one line
        self.details = []             # more lines: diff, backtrace
        self.stats = {}
        self.faults = {}
        self.notes = []               # not failures (e.g. no fault baseline yet)

    def fail(self, status, reason, details=()):
        if self.status == "PASS":
            self.status, self.reason = status, reason
        else:
            self.details.append(reason)
        self.details.extend(details)


def parse_stats(text):
    """The last `STATS k=v ...` line as a dict of ints (non-integer values kept as text)."""
    stats = {}
    for line in text.splitlines():
        if line.startswith("STATS "):
            stats = {}
            for item in line.split()[1:]:
                k, sep, v = item.partition("=")
                if not sep:
                    continue
                try:
                    stats[k] = int(v, 0)
                except ValueError:
                    stats[k] = v
    return stats


def fault_counts(stats):
    return {name: stats[key] for key, name in FAULT_KEYS if key in stats}


def read_faults(path):
    """A .faults baseline: `name value` lines (# comments); returns {name: int}."""
    out = {}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) == 2:
                try:
                    out[parts[0]] = int(parts[1])
                except ValueError:
                    pass
    return out


def band_limits(base, factor):
    """The smallest and largest count (inclusive) a faults_band FACTOR allows around BASE."""
    return math.ceil(base / factor - 1e-9), math.floor(base * factor + 1e-9)


def compare_faults(base, faults, band=None):
    """(changes, tolerated) between a baseline BASE and a run's FAULTS ({kind: count}):
    'KIND A -> B' for every kind of BASE whose count differs, in FAULT_KEYS order. A kind of
    BAND (the test's faults_band, {kind: factor}) that stays within its band is tolerated;
    every other kind must be exact."""
    band = band or {}
    changes, tolerated = [], []
    for _, k in FAULT_KEYS:
        if k not in base or base[k] == faults.get(k, 0):
            continue
        now = faults.get(k, 0)
        text = "%s %d -> %d" % (k, base[k], now)
        if k in band:
            lo, hi = band_limits(base[k], band[k])
            if lo <= now <= hi:
                tolerated.append(text)
                continue
            text += " (outside its band x%g: %d-%d)" % (band[k], lo, hi)
        changes.append(text)
    return changes, tolerated


def format_faults(test_id, faults, stats):
    lines = ["# Page faults of %s under the default seed and ips, checked by make check." % test_id,
             "# Update on purpose with: make accept TESTS=%s" % test_id]
    lines += ["%s %d" % (k, v) for k, v in faults.items()]
    lines.append("# Recorded, not checked (make bench compares them):")
    bench = bench_values(stats)
    lines += ["%s %d" % (k, bench[k]) for k in BENCH_KEYS if k in bench]
    return "\n".join(lines) + "\n"


def extract_action(lines, cmdline):
    """(lines strictly between the Executing/complete markers of cmdline, problem or None).

    An action that powers the machine off itself (the halt system call) has no end marker:
    its lines then end at the power-off statistics (`Timer: N ticks`)."""
    start = "Executing '%s':" % cmdline
    end = "Execution of '%s' complete." % cmdline
    try:
        i = lines.index(start)
    except ValueError:
        return None, "no line %r" % start
    try:
        j = lines.index(end, i + 1)
    except ValueError:
        for j in range(i + 1, len(lines)):
            if TIMER_RE.match(lines[j]):
                return lines[i + 1:j], None
        return lines[i + 1:], "no line %r" % end
    return lines[i + 1:j], None


def halted_in_action(lines, cmdline):
    """True if the machine powered off inside the action (no end marker, statistics printed)."""
    return ("Executing '%s':" % cmdline in lines and "Execution of '%s' complete." % cmdline not in lines
            and any(TIMER_RE.match(l) for l in lines))


def drop_exit_lines(lines):
    return [l for l in lines if not EXIT_LINE_RE.match(l)]


def compare(actual, expected_files, ignore_exit):
    """None if actual equals one of the expected files; else (closest file, unified diff)."""
    if ignore_exit:
        actual = drop_exit_lines(actual)
    best = None
    for path in expected_files:
        with open(path, encoding="utf-8", errors="replace") as f:
            exp = f.read().splitlines()
        if ignore_exit:
            exp = drop_exit_lines(exp)
        if exp == actual:
            return None
        score = difflib.SequenceMatcher(None, exp, actual, autojunk=False).ratio()
        if best is None or score > best[0]:
            best = (score, path, exp)
    _, path, exp = best
    name = os.path.relpath(path, ROOT) if path.startswith(ROOT) else path
    diff = list(difflib.unified_diff(exp, actual, fromfile=name, tofile="actual output", lineterm="", n=3))
    return name, diff


def judge(test, res, expected_dir, check_faults, symbolize=None, diff_ok=False):
    """The verdict for test given the RunResult res.

    check_faults: "check" (or True) compares page-fault counts with the test's baseline,
    "report" notes a change without failing, "off" (or False) ignores the baseline.
    diff_ok: fault-injection mode: output differing from the expected files is only a note
    (panics, leaks, timeouts and broken markers still fail).
    symbolize: function(console text) -> backtrace lines, for crashes."""
    mode = {True: "check", False: "off", None: "off"}.get(check_faults, check_faults)
    text = res.text()
    lines = text.splitlines()
    v = Verdict("PASS")
    v.stats = parse_stats(text)
    v.faults = fault_counts(v.stats)

    if res.status == "timeout":
        v.fail("TIMEOUT", res.detail)
        return v
    if res.status in ("panic", "triple"):
        what = "kernel panic" if res.status == "panic" else "triple fault or reboot"
        v.fail("CRASH", "%s: %s" % (what, res.detail) if res.detail else what)
        details = [l for l in lines if "PANIC" in l or l.startswith("Call stack:")]
        if symbolize:
            try:
                bt = symbolize(text)
            except Exception as e:  # a missing addr2line must not hide the crash itself
                bt = ["(backtrace unavailable: %s)" % e]
            if bt:
                details += ["backtrace:"] + ["  " + l for l in bt]
        v.details.extend(details)
        return v
    if res.status == "error":
        v.fail("ERROR", res.detail or "the emulator failed")
        return v

    # Global invariants of every run.
    if not any(BANNER_RE.match(l) for l in lines):
        v.fail("FAIL", "no boot banner `%s`" % BANNER_FORM)
    if BOOT_DONE_LINE not in lines:
        rejected = [l for l in lines if l.startswith("Unknown option")]
        v.fail("FAIL", "the kernel rejected its command line: %s" % rejected[0] if rejected
               else "no `%s` line" % BOOT_DONE_LINE)
    tail = [l for l in lines if l.strip()]
    if not tail or tail[-1] != POWER_OFF_LINE:
        v.fail("FAIL", "the last line is not `%s`" % POWER_OFF_LINE)
    if not v.stats:
        v.fail("FAIL", "no `STATS ...` line at power-off")
    else:
        up, ku, kb = v.stats.get("upool_used"), v.stats.get("kpool_used"), v.stats.get("kpool_boot")
        if halted_in_action(lines, test.cmdline):
            v.notes.append("powered off inside the action: leak check skipped")
        elif up is None or ku is None or kb is None:
            v.fail("FAIL", "the STATS line lacks upool_used, kpool_used or kpool_boot")
        else:
            if up != 0:
                v.fail("FAIL", "leaked pages: %d user-pool pages still in use at power-off" % up)
            if ku != kb:
                v.fail("FAIL", "leaked pages: kernel pool %d pages in use at power-off, %d at boot"
                       % (ku, kb))
            for key, what in ZERO_AT_POWEROFF:
                if isinstance(v.stats.get(key), int) and v.stats[key] != 0:
                    v.fail("FAIL", "leak: %d %s at power-off (%s=%d)" % (v.stats[key], what, key, v.stats[key]))

    for key, limit in sorted(getattr(test, "stats_max", {}).items()):
        if v.stats and v.stats.get(key) is None:
            v.fail("FAIL", "the STATS line lacks %s (stats_max)" % key)
        elif v.stats and v.stats[key] > limit:
            v.fail("FAIL", "STATS %s=%d is above its limit %d (stats_max)" % (key, v.stats[key], limit))

    # Output between the markers.
    action, problem = extract_action(lines, test.cmdline)
    if problem:
        v.fail("FAIL", "console has %s" % problem, ["last console lines:"] + ["  " + l for l in lines[-8:]])
    else:
        exp_files = test.expected_files(expected_dir)
        if not exp_files:
            v.fail("ERROR", "missing expected file %s (to write it from this output, then read it: "
                   "make accept TESTS=%s OUTPUT=1%s)" % (
                       os.path.relpath(os.path.join(expected_dir, test.suite, test.name + ".out"), ROOT),
                       test.id, "" if os.path.abspath(expected_dir) == os.path.abspath(EXPECTED)
                       else " EXPECTED=" + os.path.relpath(expected_dir, ROOT)))
        else:
            d = compare(action, exp_files, test.ignore_exit)
            if d and diff_ok:
                v.notes.append("output differs from %s (allowed under fault injection)" % d[0])
            elif d:
                v.fail("FAIL", "output differs from %s" % d[0], d[1])

    if mode != "off" and test.check_faults and v.stats:
        base_path = test.faults_file(expected_dir)
        if os.path.exists(base_path):
            changes, tolerated = compare_faults(read_faults(base_path), v.faults, test.faults_band)
            if tolerated:
                v.notes.append("page faults within the declared band (faults_band): %s"
                               % ", ".join(tolerated))
            if changes and mode == "report":
                v.notes.append("page faults changed: %s" % ", ".join(changes))
            elif changes:
                v.fail("FAIL", "page faults changed: %s (if intended: make accept TESTS=%s)"
                       % (", ".join(changes), test.id))
        else:
            v.notes.append("no fault baseline")
    return v
