"""The VM trace, its page and compare (harness/trace.py, view.py, compare.py).

Offline tests build traces, ring dumps and results directories by hand. The emulator tests boot
vm/page-linear and vm/cow-kid-first with the trace on and check that each page's own
fault counts equal the test's STATS line: from the JSON the page embeds (always), and as
the page's script computes them in headless Chromium (skipped, saying so, when chromium
is not installed). TraceOnOffTests runs tests with the trace on and off: same consoles, same
STATS lines, and the same trace twice. Run by make check (harness/selftest) and make harness-test."""
import html as htmlmod
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

from harness import compare, trace, view
from harness.common import BUILD

PY = sys.executable
HAVE_KERNEL = os.path.exists(os.path.join(BUILD, "boot.img")) and shutil.which("bochs")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium_selfcheck(case, page, tmp):
    """(the page's self-check text, its fault counts) as headless Chromium computes them
    from the page's own script (the DOM it dumps)."""
    prof = tempfile.mkdtemp(dir=tmp)
    r = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run", "--user-data-dir=" + prof,
                        "--dump-dom", "file://" + page],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, timeout=120)
    m = re.search(r'<pre id="vm-selfcheck">(.*?)</pre>', r.stdout, re.S)
    case.assertIsNotNone(m, "no self-check in the DOM chromium dumped for %s" % page)
    text = htmlmod.unescape(m.group(1))
    return text, json.loads(re.search(r"^COUNTS (.*)$", text, re.M).group(1))


def rec(typ, tid=3, space=0x100, tsc=0, va=0, a=0, b=0, flags=0, frames=0, swap=0):
    return trace.REC.pack(typ, flags, tid, space, tsc, va, a, b, frames, swap)


MOVED = {name: bit for bit, name in trace.MOVED_BITS.items()}


def fault(moved, tid=3, va=0x400000, frame=7, tsc=10, flags=6, result=0, slot=None):
    """A fault record whose process moved the counters named in MOVED (cnt()); SLOT: the
    swap slot it read."""
    bits = sum(1 << MOVED[m] for m in moved) | 1      # bit 0: pf_total, which every fault moves
    if slot is not None:
        bits |= (slot + 1) << 13
        flags |= 0x20
    return rec(2, tid=tid, va=va, a=bits, b=frame, tsc=tsc, flags=flags | result << 3)


def cnt(**kw):
    return [k.replace("_", "-") for k, v in kw.items() if v]


START = rec(1, tid=1, space=0, va=int.from_bytes(b"KVMTRACE", "little"), a=100, b=100)


class TraceDecodeTests(unittest.TestCase):
    def test_kind_and_cost_come_from_the_counters_each_fault_moved(self):
        data = (START
                + fault(cnt(file=1, major=1), tid=3)
                + fault(cnt(zero=1, minor=1), tid=4)
                + fault(cnt(zero=1, minor=1), tid=3, flags=7)
                + fault(cnt(write_protect=1, minor=1, cow_copy=1), tid=3, flags=3)
                + rec(3, va=0x401000, a=1 | 5 << 8, b=9, flags=3))
        recs = trace.decode(data)
        faults = [r for r in recs if r["type"] == "fault"]
        self.assertEqual([f["kind"] for f in faults], ["file", "zero", "zero", "write-protect"])
        self.assertEqual([f["cost"] for f in faults], [["major"], ["minor"], ["minor"], ["minor", "cow-copy"]])
        self.assertEqual(recs[6]["how"], "swapped")
        self.assertEqual(recs[6]["slot"], 5)
        c = trace.counts(recs)
        self.assertEqual((c["pf_total"], c["pf_file"], c["pf_zero"], c["pf_wp"], c["pf_wp_copy"],
                          c["evict_swap"], c["swap_out"]), (4, 1, 2, 1, 1, 1, 1))

    def test_bad_traces_are_one_error(self):
        with self.assertRaises(trace.TraceError):
            trace.decode(START[:30])
        with self.assertRaises(trace.TraceError):
            trace.decode(START + rec(2)[:20])                   # fault cut short
        with self.assertRaises(trace.TraceError):
            trace.decode(fault(cnt()))                          # no header
        self.assertEqual(trace.decode(b""), [])

    def test_frame_references_become_frame_numbers(self):
        table = 0x8004064040
        data = (START + rec(14, va=table, a=56, b=2640)
                + fault(cnt(zero=1, minor=1), frame=(table + 3 * 56) & 0xFFFFFFFF)
                + fault(cnt(file=1), frame=0xFFFFFFFF, result=1)
                + rec(3, va=0x401000, a=1 | 5 << 8, b=(table + 56) & 0xFFFFFFFF, flags=1)
                + fault(cnt(swap_in=1, major=1), frame=(table + 7 * 56) & 0xFFFFFFFF, slot=3))
        recs = trace.decode(data)
        self.assertEqual([r.get("frame") for r in recs[2:]], [2643, None, 2641, 2647, 2647])
        self.assertEqual(recs[3]["result"], "invalid")
        self.assertIn("frame0=2640", recs[1]["line"])

    def test_swap_outs_and_swap_ins_come_from_evictions_and_faults(self):
        data = (START + rec(3, va=0x401000, a=1 | 5 << 8, b=9, flags=3, frames=10, swap=4)
                + rec(3, va=0x401000, space=0x200, a=1 | 5 << 8, b=9, frames=10, swap=4)
                + rec(3, va=0x402000, a=1 | 6 << 8, b=8, flags=1, frames=10, swap=4)
                + fault(cnt(swap_in=1, major=1), frame=9, slot=6, tsc=77))
        recs = trace.decode(data)
        self.assertEqual([r["type"] for r in recs],
                         ["start", "swap-out", "evict", "evict", "evict", "swap-in", "fault"])
        self.assertEqual([r["n"] for r in recs], list(range(7)))
        self.assertEqual((recs[1]["slot"], recs[1]["frame"], recs[1]["swap"]), (5, 9, 4))
        self.assertEqual((recs[5]["slot"], recs[5]["frame"], recs[5]["tsc"]), (6, 9, 77))
        self.assertEqual((recs[6]["kind"], recs[6]["cost"]), ("swap-in", ["major"]))
        c = trace.counts(recs)
        self.assertEqual((c["swap_out"], c["evict_swap"], c["swap_in"], c["pf_swapin"]), (1, 2, 1, 1))
        with self.assertRaises(trace.TraceError):
            trace.decode(START + rec(5, a=5, b=9))      # the kernel writes none

    def test_page_embeds_its_data_and_counts(self):
        recs = trace.decode(START + fault(cnt(zero=1, minor=1)))
        data = view.page_data("x/y", recs, {"pf_total": 1, "pf_zero": 1, "pf_file": 0})
        page = view.render(data)
        self.assertNotIn("http://", page.replace('xmlns="http://www.w3.org/2000/svg"', ""))
        self.assertNotIn("https://", page)
        self.assertEqual(view.embedded_data(page)["counts"]["pf_zero"], 1)
        self.assertEqual(view.mismatches(data), [])
        data["stats"]["pf_zero"] = 2
        self.assertEqual(view.mismatches(data), [("pf_zero", 1, 2)])


def results_dir(root, name, tests):
    d = os.path.join(root, name)
    os.makedirs(d)
    with open(os.path.join(d, "summary.json"), "w") as f:
        json.dump({}, f)
    for tid, (v, stats) in tests.items():
        path = os.path.join(d, tid + ".json")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            json.dump({"test": tid, "seed": 0, "verdict": v, "stats": stats}, f)
    return d


def st(total, tsc=1000, **kw):
    s = {"pf_total": total, "pf_major": 0, "pf_zero": total, "tsc": tsc, "entry_tsc": 100,
         "swap_in": 0, "swap_out": 0, "evict_swap": 0, "evict_write": 0, "evict_drop": 0}
    s.update(kw)
    return s


def ring(data):
    """A dump of the kernel's ring holding DATA (a u32 byte count, then the records, then
    stale bytes the count leaves out)."""
    return len(data).to_bytes(4, "little") + data + b"\xee" * 40


class CaptureTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kestrel-capture-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_each_stop_dumps_the_ring_to_the_next_file(self):
        cap = trace.KestrelCapture()
        self.assertEqual(cap.answer(self.tmp), b'writemem "trace-0001.bin" rdi rsi\nc\n')
        self.assertEqual(cap.answer(self.tmp), b'writemem "trace-0002.bin" rdi rsi\nc\n')

    def test_the_dumps_valid_bytes_join_in_order(self):
        cap = trace.KestrelCapture()
        parts = [START + fault(cnt(file=1, major=1)), fault(cnt(file=1, zero=1, major=1, minor=1))]
        for p in parts:
            with open(os.path.join(self.tmp, cap.answer(self.tmp).split(b'"')[1].decode()), "wb") as f:
                f.write(ring(p))
        recs = trace.decode(cap.records(self.tmp))
        self.assertEqual([r["type"] for r in recs], ["start", "fault", "fault"])
        self.assertEqual((recs[1]["kind"], recs[2]["kind"]), ("file", "zero"))

    def test_trace_under_qemu_is_one_line(self):
        r = subprocess.run([PY, "-m", "harness", "check", "--qemu", "--trace", "--no-unit",
                            "--tests", "vm/page-linear"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertEqual(len(r.stdout.strip().splitlines()), 1, r.stdout)
        self.assertIn("need Bochs", r.stdout)

    def test_a_run_cut_inside_its_last_stop_keeps_the_records_before(self):
        cap = trace.KestrelCapture()
        with open(os.path.join(self.tmp, cap.answer(self.tmp).split(b'"')[1].decode()), "wb") as f:
            f.write(ring(START))
        cap.answer(self.tmp)            # the run ended before Bochs wrote this one
        self.assertEqual(len(trace.decode(cap.records(self.tmp))), 1)
        with open(os.path.join(self.tmp, "trace-0002.bin"), "wb") as f:
            f.write(ring(START)[:10])   # ... or wrote it in part
        self.assertEqual(len(trace.decode(cap.records(self.tmp))), 1)

    def test_a_short_dump_before_the_last_is_an_error(self):
        cap = trace.KestrelCapture()
        for data in (ring(START)[:10], ring(START)):
            with open(os.path.join(self.tmp, cap.answer(self.tmp).split(b'"')[1].decode()), "wb") as f:
                f.write(data)
        with self.assertRaises(trace.TraceError):
            cap.records(self.tmp)


class CompareTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kestrel-compare-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_compare(self, old, new, *extra):
        r = subprocess.run([PY, "-m", "harness", "compare", old, new] + list(extra),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        return r.returncode, r.stdout, r.stderr

    def test_sorted_by_size_and_worse_verdict_fails(self):
        old = results_dir(self.tmp, "old", {"vm/a": ("PASS", st(100)), "vm/b": ("PASS", st(100)),
                                            "vm/c": ("PASS", st(10)), "vm/d": ("FAIL", st(5))})
        new = results_dir(self.tmp, "new", {"vm/a": ("PASS", st(101)), "vm/b": ("PASS", st(150)),
                                            "vm/c": ("FAIL", st(10)), "vm/d": ("PASS", st(5))})
        code, out, err = self.run_compare(old, new, "--html", os.path.join(self.tmp, "c.html"))
        self.assertEqual(code, 1, out + err)
        rows = [l for l in out.splitlines() if l.startswith("| `")]
        self.assertEqual([re.match(r"\| `([^`]+)`", l).group(1) for l in rows],
                         ["vm/c", "vm/d", "vm/b", "vm/a"])
        self.assertIn("PASS → FAIL **worse**", rows[0])
        self.assertIn("100 → 150 (+50)", rows[2])
        self.assertIn("- `vm/c` verdict PASS → FAIL", out)
        with open(os.path.join(self.tmp, "c.html")) as f:
            self.assertEqual(f.read().count("<svg"), 2)   # a and b changed counts

    def test_threshold_switch(self):
        old = results_dir(self.tmp, "old", {"vm/a": ("PASS", st(100))})
        new = results_dir(self.tmp, "new", {"vm/a": ("PASS", st(111))})
        self.assertEqual(self.run_compare(old, new)[0], 0)
        self.assertEqual(self.run_compare(old, new, "--fail-faults", "20")[0], 0)
        code, out, _ = self.run_compare(old, new, "--fail-faults", "10")
        self.assertEqual(code, 1)
        self.assertIn("faults 100 → 111 (more than +10%)", out)

    def test_bad_directory_is_one_line(self):
        code, out, err = self.run_compare(self.tmp, self.tmp)
        self.assertEqual(code, 2)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertNotIn("Traceback", err)


def check_run(results, tests, extra):
    """make check of TESTS into RESULTS with EXTRA options; its output."""
    r = subprocess.run([PY, "-m", "harness", "check", "--no-unit", "--results", results,
                        "--tests", " ".join(tests), "-j", "2"] + extra,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return r.stdout


_traced = []


def traced_run():
    """(results directory, output) of one run with the VM page of vm/page-linear,
    vm/cow-kid-first and vm/swap-two, shared by the classes below (removed at the end)."""
    if not _traced:
        tmp = tempfile.mkdtemp(prefix="kestrel-view-test-")
        _traced.extend([tmp, check_run(tmp, ["vm/page-linear", "vm/cow-kid-first", "vm/swap-two"],
                                       ["--view"])])
    return _traced[0], _traced[1]


def tearDownModule():
    if _traced:
        shutil.rmtree(_traced[0], ignore_errors=True)


@unittest.skipUnless(HAVE_KERNEL, "needs build/boot.img and bochs (run make)")
class PageAgainstStatsTests(unittest.TestCase):
    TESTS = ["vm/page-linear", "vm/cow-kid-first"]

    @classmethod
    def setUpClass(cls):
        cls.tmp, cls.output = traced_run()

    def page(self, test):
        path = os.path.join(self.tmp, test + ".html")
        self.assertTrue(os.path.exists(path), self.output)
        return path

    def stats(self, test):
        with open(os.path.join(self.tmp, test + ".json")) as f:
            return json.load(f)["stats"]

    def test_embedded_counts_equal_the_stats_line(self):
        for t in self.TESTS:
            with open(self.page(t)) as f:
                data = view.embedded_data(f.read())
            s = self.stats(t)
            self.assertTrue(s, t)
            self.assertEqual(view.mismatches(data), [], t)
            self.assertGreater(data["counts"]["pf_total"], 0, t)
            for k in view.CHECKED_KEYS:
                self.assertEqual(data["counts"][k], s[k], (t, k))

    def test_the_page_itself_counts_what_the_stats_line_says(self):
        if not CHROMIUM:
            self.skipTest("chromium is not installed (apt-get install -y chromium): "
                          "the page was checked from its embedded JSON only")
        for t in self.TESTS:
            text, counts = chromium_selfcheck(self, self.page(t), self.tmp)
            self.assertTrue(text.startswith("MATCH"), text)
            s = self.stats(t)
            for k in view.CHECKED_KEYS:
                self.assertEqual(counts[k], s[k], (t, k))


@unittest.skipUnless(HAVE_KERNEL, "needs build/boot.img and bochs (run make)")
class TraceOnOffTests(unittest.TestCase):
    """The trace is taken outside the guest: with it on, every console and STATS line is
    byte for byte the one of the run with it off (multi-process vm/swap-two included, whose
    interleaving any change of the guest's instructions or timer interrupts would move), and
    the same test traced twice gives the same trace. (vm/page-linear: PageAgainstStatsTests.)"""
    TESTS = ["vm/swap-two", "vm/cow-kid-first"]

    @classmethod
    def setUpClass(cls):
        on, cls.output = traced_run()
        cls.tmp = tempfile.mkdtemp(prefix="kestrel-trace-test-")
        cls.dirs = {"on": on, "off": os.path.join(cls.tmp, "off"), "again": os.path.join(cls.tmp, "again")}
        for name, tests, extra in (("off", cls.TESTS, []), ("again", cls.TESTS[1:], ["--trace"])):
            cls.output += check_run(cls.dirs[name], tests, extra)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def read(self, run, test, ext):
        path = os.path.join(self.dirs[run], test + ext)
        self.assertTrue(os.path.exists(path), self.output)
        with open(path, "rb") as f:
            return f.read()

    def test_console_and_stats_identical_with_the_trace_on(self):
        for t in self.TESTS:
            on, off = self.read("on", t, ".console"), self.read("off", t, ".console")
            self.assertIn(b"STATS ", off, t)
            self.assertEqual(on, off, t)
            stats = [json.loads(self.read(r, t, ".json"))["stats"] for r in ("on", "off")]
            self.assertEqual(stats[0], stats[1], t)
            self.assertFalse(os.path.exists(os.path.join(self.tmp, "off", t + ".trace")), t)

    def test_same_test_twice_same_trace(self):
        t = self.TESTS[1]
        first = self.read("on", t, ".trace")
        self.assertGreater(len(trace.decode(first)), 10)
        self.assertEqual(first, self.read("again", t, ".trace"))

    def test_trace_counts_equal_the_stats_line(self):
        for t in self.TESTS:
            c = trace.counts(trace.decode(self.read("on", t, ".trace")))
            s = json.loads(self.read("on", t, ".json"))["stats"]
            for k, v in c.items():
                self.assertEqual(v, s[k], (t, k))


if __name__ == "__main__":
    unittest.main()
