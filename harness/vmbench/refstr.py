"""Reference strings of the memory-pressure workloads (src/tests/bench/press.c).

`build(words)` takes the program's command line (`press loop 96 8`) and returns the
Workload: per process, the array pages its loop touches in order, and its code page. The
C loops keep their state in registers and run from one page-aligned code page, so the
pages a process references between its two pfstat snapshots are exactly: its code page
(resident when the loop starts, the newest page loaded), then each touched array page
followed by the code page again (the next instruction fetch).
"""

MASK = (1 << 64) - 1
PRESS_PAGES = 1024      # press.c: PRESS_PAGES
CODE = "code"           # id of a process's loop code page


def rng_next(state):
    """splitmix64, as press_rng_next in src/tests/bench/press-rng.h: (new state, value)."""
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def skew_page(x, n, hot):
    """press_rng_skew: 80 of every 100 values on pages 0..hot-1, the rest on hot..n-1."""
    return (x >> 32) % hot if x % 100 < 80 else hot + (x >> 32) % (n - hot)


def _seq(n):
    return list(range(n))


def _loop(n, rounds):
    return list(range(n)) * rounds


def _scan(hot, cold, rounds):
    refs = []
    for r in range(rounds):
        refs += range(hot)
        refs += range(hot + r * cold, hot + (r + 1) * cold)
    return refs


def _random(n, count, seed, skewed):
    refs, state, hot = [], seed, n // 5
    for _ in range(count):
        state, x = rng_next(state)
        refs.append(skew_page(x, n, hot) if skewed else (x >> 32) % n)
    return refs


# pattern: (number of arguments, generator, description)
PATTERNS = {
    "seq": (1, _seq, "one pass over {0} pages"),
    "loop": (2, _loop, "{1} cyclic passes over {0} pages"),
    "scan": (3, _scan, "{2} rounds: {0} hot pages, then {1} cold pages"),
    "skew": (3, lambda n, k, s: _random(n, k, s, True), "{1} touches, 80% on 20% of {0} pages"),
    "rand": (3, lambda n, k, s: _random(n, k, s, False), "{1} touches uniform over {0} pages"),
    "spin": (3, lambda n, r, work: _loop(n, r), "{1} cyclic passes over {0} pages, work between"),
    "two": (3, lambda n, r, work: _loop(n, r),
            "2 processes at once, each {1} cyclic passes over its own {0} pages"),
}


class Workload:
    """procs: [(process label, [array pages])]; the pages are per process."""

    def __init__(self, pattern, args, procs, description):
        self.pattern = pattern
        self.args = args
        self.procs = procs
        self.description = description

    def refs(self, interleave=True):
        """The whole reference string, page ids (process label, page or CODE).

        Several processes take one touch each in turn (interleave) or run one after the
        other: the real order is the scheduler's, so only a single process's string is
        exact and these two bound the ways it can go."""
        out = []
        streams = [[((label, p), (label, CODE)) for p in pages] for label, pages in self.procs]
        if not interleave:
            return [r for s in streams for pair in s for r in pair]
        longest = max(len(s) for s in streams)
        for i in range(longest):
            for s in streams:
                if i < len(s):
                    out.extend(s[i])
        return out

    def initial(self):
        """Pages resident when the loops start: each process's code page."""
        return [(label, CODE) for label, _ in self.procs]

    def exact(self):
        return len(self.procs) == 1

    def distinct_pages(self):
        return sum(len(set(pages)) for _, pages in self.procs)

    def touches(self):
        return sum(len(pages) for _, pages in self.procs)


def build(words):
    """The Workload of the command line words (['press', 'loop', '96', '8']).

    Raises ValueError for anything press.c would refuse."""
    if len(words) < 2 or words[0] != "press" or words[1] not in PATTERNS:
        raise ValueError("not a press workload: %r" % " ".join(words))
    pattern = words[1]
    nargs, gen, desc = PATTERNS[pattern]
    if len(words) != 2 + nargs:
        raise ValueError("press %s takes %d arguments" % (pattern, nargs))
    try:
        args = [int(w, 10) for w in words[2:]]
    except ValueError:
        raise ValueError("press %s: arguments must be numbers" % pattern)
    if any(a < 1 for a in args):
        raise ValueError("press %s: arguments must be at least 1" % pattern)
    if pattern in ("skew", "rand") and args[0] < 5:
        raise ValueError("press %s: at least 5 pages" % pattern)
    pages = gen(*args)
    if max(pages) >= PRESS_PAGES:
        raise ValueError("press %s: more than %d pages" % (pattern, PRESS_PAGES))
    labels = ["a", "b"] if pattern == "two" else ["p"]
    return Workload(pattern, args, [(l, pages) for l in labels], desc.format(*args))
