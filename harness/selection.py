"""Which work items a command line selects: tests, seeds, shard.

An item is an emulated test under one seed, a host unit test (host/NAME), the harness's
self-test (harness/selftest) or an expect script (SUITE/NAME.exp). A selection is every
item that any pattern matches, of every kind, and a pattern that matches nothing is an
error: a typo never turns into a green run of almost nothing.
"""
import fnmatch
import os
import re

from harness import testcfg
from harness.common import ROOT, TESTS_SRC, HarnessError, nearest

HOST_DIR = os.path.join(TESTS_SRC, "host")
WILDCARDS = "*?["


class Item:
    """One unit of work. kind: emu (test under seed), host, selftest or expect."""

    def __init__(self, ident, test=None, seed=0, kind="emu", source=None):
        self.id = ident
        self.test = test
        self.seed = seed
        self.kind = kind
        self.source = source
        self.label = ident + (" (seed %d)" % seed if seed else "")

    @property
    def suite(self):
        return self.id.split("/", 1)[0]

    @property
    def name(self):
        return self.id.split("/", 1)[1]


class Selection:
    """items: what this run does (after the shard). everything: the same selection
    before sharding, so that grades of shards can use the whole selection's points."""

    def __init__(self, items, everything):
        self.items = items
        self.everything = everything


def parse_seeds(text):
    """'1-20', '3,5,9', '1-4,10' -> sorted list of ints > 0."""
    seeds = set()
    for part in text.replace(" ", ",").split(","):
        if not part:
            continue
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not m:
            raise HarnessError("SEEDS must look like 1-20 or 3,5,9, not %r" % text)
        lo = int(m.group(1))
        hi = int(m.group(2) or lo)
        if hi < lo or hi - lo > 100000:
            raise HarnessError("bad seed range %r" % part)
        seeds.update(range(lo, hi + 1))
    if not seeds:
        raise HarnessError("SEEDS is empty")
    if 0 in seeds:
        raise HarnessError("seed 0 means no perturbation; SEEDS start at 1")
    return sorted(seeds)


def parse_shard(text):
    """'K/N' -> (K, N) with 1 <= K <= N."""
    m = re.fullmatch(r"(\d+)/(\d+)", text or "")
    if not m or not (1 <= int(m.group(1)) <= int(m.group(2))):
        raise HarnessError("--shard takes K/N with 1 <= K <= N, not %r" % text)
    return int(m.group(1)), int(m.group(2))


def host_items():
    """host/NAME for every src/tests/host/NAME.c."""
    if not os.path.isdir(HOST_DIR):
        return []
    return [Item("host/" + f[:-2], kind="host", source=os.path.join(HOST_DIR, f))
            for f in sorted(os.listdir(HOST_DIR)) if f.endswith(".c")]


def expect_items():
    """SUITE/NAME for every src/tests/SUITE/NAME.exp: an expect script driving a real
    interactive session through tools/pintos; it passes when the script exits 0."""
    items = []
    for suite in sorted(os.listdir(TESTS_SRC)) if os.path.isdir(TESTS_SRC) else []:
        d = os.path.join(TESTS_SRC, suite)
        if os.path.isdir(d):
            items += [Item("%s/%s" % (suite, f[:-4]), kind="expect",
                           source=os.path.relpath(os.path.join(d, f), ROOT))
                      for f in sorted(os.listdir(d)) if f.endswith(".exp")]
    return items


def normalize(pattern):
    pattern = pattern.strip().rstrip("/")
    if pattern.startswith("src/tests/"):
        pattern = pattern[len("src/tests/"):]
    return pattern


def matches(ident, pattern):
    """True if pattern (normalized) selects the id SUITE/NAME: a glob on SUITE/NAME or on
    NAME alone, or a suite name, or a glob on the suite (`user*` = every test under it)."""
    suite, _, name = ident.partition("/")
    return (fnmatch.fnmatchcase(ident, pattern) or fnmatch.fnmatchcase(name, pattern)
            or suite == pattern or fnmatch.fnmatchcase(ident, pattern + "/*"))


def names_bench_test(test, pattern):
    """bench = yes workloads are selected only by a pattern that names them or their suite
    literally (`bench`, `bench/*`, `bench-seq`), never by a glob such as `*`."""
    if not any(c in pattern for c in WILDCARDS):
        return True
    suite = pattern.split("/", 1)[0] if "/" in pattern else None
    return suite == test.suite


def universe(command, no_unit, tests_root):
    """Every item the command can run, in order: emulated tests, then the others."""
    tests = testcfg.load_tests(tests_root) if tests_root else testcfg.load_tests()
    if command == "unit":
        return [], host_items()
    if command in ("grade", "bench"):
        tests = [t for t in tests if not t.bench]
    extra = []
    if command in ("check", "list") and not no_unit and not tests_root:
        extra = host_items() + [Item("harness/selftest", kind="selftest")] + expect_items()
        # Grading Pintos-KAIST kernels (harness/pk): fixtures, and Bochs's page-fault count
        # against Kestrel's own on a representative set of tests.
        extra += [Item("harness/pintos-kaist", kind="selftest", source="harness.tests.pk_fixture_check"),
                  Item("harness/fault-count", kind="selftest", source="harness.tests.pk_faults_check")]
    return tests, extra


def select_items(args):
    """The Selection for args.command, args.tests (space-separated patterns), args.seeds
    and args.shard. HarnessError for a pattern that matches nothing or an empty result."""
    tests, extra = universe(args.command, args.no_unit, args.tests_root)
    patterns = [normalize(p) for p in args.tests.split()]
    patterns = [p for p in patterns if p]
    if patterns:
        chosen_tests, chosen_extra = set(), set()
        for pat in patterns:
            hit_tests = {t.id for t in tests if matches(t.id, pat)
                         and (not t.bench or names_bench_test(t, pat))}
            hit_extra = {e.id for e in extra if matches(e.id, pat)}
            if not hit_tests and not hit_extra:
                near = nearest(pat, [t.id for t in tests] + [e.id for e in extra])
                raise HarnessError("no test matches %r%s" % (
                    pat, "; did you mean %s?" % ", ".join(near) if near else ""))
            chosen_tests |= hit_tests
            chosen_extra |= hit_extra
        tests = [t for t in tests if t.id in chosen_tests]
        extra = [e for e in extra if e.id in chosen_extra]
    else:
        tests = [t for t in tests if not t.bench]
    seeds = parse_seeds(args.seeds) if args.seeds else [0]
    if args.command == "accept":
        seeds = [0]
    items = [Item(t.id, t, s) for t in tests for s in seeds] + extra
    if args.command in ("accept", "grade", "bench"):
        items = [it for it in items if it.kind == "emu"]
    if not items:
        raise HarnessError("no tests selected")
    everything = items
    if args.shard:
        k, n = parse_shard(args.shard)
        items = items[k - 1::n]
    return Selection(items, everything)
