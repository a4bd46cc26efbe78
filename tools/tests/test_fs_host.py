"""The kernel file system (src/filesys) run on the host against images made by kfs.py.

Builds src/tests/host/test_fs.c with the kernel's file-system sources (pthread stubs
for locks and threads, AddressSanitizer when available), then checks both directions
of the on-disk format and the kernel's behaviour, with kfs.check after every run.
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile
import unittest

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TOOLS)
sys.path.insert(0, os.path.dirname(TOOLS))
from harness import kfs  # noqa: E402

SOURCES = [os.path.join(ROOT, "src/tests/host/test_fs.c")]  # includes the file-system sources

_build = {}


def build_driver():
    """Path of the compiled driver (built once per test run), or None without gcc."""
    if "path" in _build:
        return _build["path"]
    _build["path"] = None
    if shutil.which("gcc") is None:
        return None
    d = tempfile.mkdtemp(prefix="kfs-host-")
    out = os.path.join(d, "test_fs")
    base = ["gcc", "-std=gnu11", "-O1", "-g", "-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter",
            "-DHOST_TEST", "-I" + os.path.join(ROOT, "src"), "-o", out] + SOURCES + ["-lpthread"]
    for extra in (["-fsanitize=address,undefined", "-fno-sanitize-recover=all"], []):
        r = subprocess.run(base[:1] + extra + base[1:], capture_output=True, text=True)
        if r.returncode == 0:
            _build["path"] = out
            return out
    raise AssertionError("cannot build the host driver:\n" + r.stderr)


class ThreadSanitizer(unittest.TestCase):
    def test_unit_mode_race_free(self):
        if shutil.which("gcc") is None:
            self.skipTest("gcc not available")
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "test_fs_tsan")
            r = subprocess.run(["gcc", "-O1", "-g", "-fsanitize=thread", "-DHOST_TEST",
                                "-I" + os.path.join(ROOT, "src"), "-o", out] + SOURCES,
                               capture_output=True, text=True)
            if r.returncode != 0:
                self.skipTest("ThreadSanitizer build failed: %s" % (r.stderr.strip().splitlines() or [""])[-1])
            r = subprocess.run([out], capture_output=True, timeout=600)
            self.assertNotIn(b"ThreadSanitizer", r.stderr, r.stderr[-3000:])
            self.assertEqual(r.returncode, 0, r.stdout[-2000:])


class KernelFsOnHost(unittest.TestCase):
    def setUp(self):
        self.driver = build_driver()
        if self.driver is None:
            self.skipTest("gcc not available")
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.img = os.path.join(self.dir, "fs.img")

    def tearDown(self):
        self.tmp.cleanup()

    def run_driver(self, *args, leaks=True):
        env = dict(os.environ)
        if not leaks:
            env["ASAN_OPTIONS"] = "detect_leaks=0"
        r = subprocess.run([self.driver, self.img] + list(args), capture_output=True, env=env, timeout=300)
        return r

    def assertClean(self):
        self.assertEqual(kfs.check(self.img), [])

    def host_file(self, name, data):
        p = os.path.join(self.dir, name)
        with open(p, "wb") as f:
            f.write(data)
        return p

    def test_unit_mode(self):
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")  # remounting keeps old cache pages
        r = subprocess.run([self.driver], capture_output=True, timeout=300, env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(b"test_fs: PASS", r.stdout)

    def test_selftest_small_disk(self):
        kfs.make_image(self.img, 2, [])
        r = self.run_driver("selftest")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"(fs-selftest) PASS", r.stdout, r.stdout)
        self.assertIn(b"skipped", r.stdout)
        self.assertClean()
        self.assertEqual(kfs.list_files(self.img), [])

    def test_selftest_big_disk(self):
        kfs.make_image(self.img, 10, [])
        r = self.run_driver("selftest")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"(fs-selftest) 8 MB file: ok", r.stdout)
        self.assertIn(b"(fs-selftest) PASS", r.stdout)
        self.assertClean()

    def test_host_to_kernel(self):
        rng = random.Random(4)
        files = {"e": b"", "one": b"x", "sect": bytes(rng.getrandbits(8) for _ in range(512)),
                 "odd": bytes(rng.getrandbits(8) for _ in range(70001))}
        kfs.make_image(self.img, 2, [(n, self.host_file(n, d)) for n, d in files.items()])
        for name, data in files.items():
            r = self.run_driver("cat", name)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout, data, name)
        self.assertEqual(self.run_driver("cat", "missing").returncode, 1)
        self.assertClean()

    def test_kernel_to_host(self):
        data = bytes(random.Random(5).getrandbits(8) for _ in range(123457))
        kfs.make_image(self.img, 2, [("keep", self.host_file("keep", b"kept"))])
        r = self.run_driver("put", "made", self.host_file("src", data))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(kfs.extract(self.img, "made"), data)
        self.assertEqual(kfs.extract(self.img, "keep"), b"kept")
        self.assertEqual(sorted(kfs.list_files(self.img)), [("keep", 4), ("made", len(data))])
        self.assertClean()
        self.assertEqual(self.run_driver("rm", "made").returncode, 0)
        self.assertEqual(kfs.list_files(self.img), [("keep", 4)])
        self.assertClean()

    def test_too_long_name_and_full_disk(self):
        kfs.make_image(self.img, 1, [])
        r = self.run_driver("put", "fifteen-bytes-x", self.host_file("a", b"a"))
        self.assertEqual(r.returncode, 1)
        r = self.run_driver("put", "huge", self.host_file("b", bytes(2 * 1024 * 1024)))
        self.assertEqual(r.returncode, 1)
        self.assertClean()
        self.assertEqual(kfs.list_files(self.img), [])

    def test_removed_open_file_at_power_off(self):
        kfs.make_image(self.img, 2, [("victim", self.host_file("v", bytes(50000)))])
        r = self.run_driver("rm-open", "victim", leaks=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(kfs.list_files(self.img), [])
        self.assertClean()

    def test_fragmented_disk(self):
        kfs.make_image(self.img, 2, [], dir_entries=512)
        r = self.run_driver("frag")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertClean()
        data = kfs.extract(self.img, "spread")
        self.assertTrue(all(b == (i * 13 // 512) & 0xFF for i, b in enumerate(data)))

    def check_interleaved(self, n, size, max_extents):
        img = kfs._Image(self.img)
        for k in range(n):
            data = kfs.extract(self.img, "g%d" % k)
            self.assertEqual(len(data), size)
            self.assertEqual(data, bytes((i * 7 + k) % 251 for i in range(size)))
        for slot, raw, ino in img.entries():
            self.assertLessEqual(len(img.inode(ino)[1]), max_extents, raw)

    def test_interleaved_growth(self):
        kfs.make_image(self.img, 2, [])
        r = self.run_driver("interleave", "3", "300000", "700")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertClean()
        self.check_interleaved(3, 300000, 12)

    def test_interleaved_growth_to_8mb(self):
        kfs.make_image(self.img, 18, [])
        r = self.run_driver("interleave", "2", str(8 * 1024 * 1024), "65536")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertClean()
        img = kfs._Image(self.img)
        for slot, raw, ino in img.entries():
            self.assertLessEqual(len(img.inode(ino)[1]), 30, raw)
        data = kfs.extract(self.img, "g1")
        self.assertEqual(data[:1000], bytes((i * 7 + 1) % 251 for i in range(1000)))
        self.assertEqual(data[-1000:], bytes((i * 7 + 1) % 251 for i in range(len(data) - 1000, len(data))))

    def test_disk_full_short_write(self):
        kfs.make_image(self.img, 1, [])
        r = self.run_driver("interleave", "1", str(2 * 1024 * 1024), "4096", leaks=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"short write", r.stderr)
        self.assertClean()
        (name, size), = kfs.list_files(self.img)
        self.assertGreater(size, 400000)

    def test_no_writes_when_only_reading(self):
        kfs.make_image(self.img, 2, [("r", self.host_file("r", bytes(5000)))])
        r = self.run_driver("cat", "r")
        self.assertEqual(r.returncode, 0)
        self.assertIn(b"0 writes", r.stderr)


if __name__ == "__main__":
    unittest.main()
