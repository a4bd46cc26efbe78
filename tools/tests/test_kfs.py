"""Host tests of tools/kfs.py and tools/fsutil (python3 -m unittest discover tools/tests)."""
import os
import random
import struct
import subprocess
import sys
import tempfile
import unittest

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(TOOLS))
from harness import kfs  # noqa: E402

FSUTIL = os.path.join(TOOLS, "fsutil")


def pattern(n, seed):
    rng = random.Random(seed)
    return bytes(rng.getrandbits(8) for _ in range(n)) if n < 100000 else \
        (bytes(rng.getrandbits(8) for _ in range(4093)) * (n // 4093 + 1))[:n]


class KfsTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def host_file(self, name, data):
        p = os.path.join(self.dir, name)
        with open(p, "wb") as f:
            f.write(data)
        return p

    def img(self, name="fs.img"):
        return os.path.join(self.dir, name)


class RoundTrip(KfsTestCase):
    def test_sizes(self):
        sizes = [0, 1, 511, 512, 513, 1024, 4095, 4096, 65537, 300000]
        files, want = [], {}
        for i, n in enumerate(sizes):
            name = "f%d" % i
            want[name] = pattern(n, i)
            files.append((name, self.host_file(name, want[name])))
        kfs.make_image(self.img(), 2, files)
        self.assertEqual(kfs.list_files(self.img()), [("f%d" % i, n) for i, n in enumerate(sizes)])
        for name, data in want.items():
            self.assertEqual(kfs.extract(self.img(), name), data)
        self.assertEqual(kfs.check(self.img()), [])

    def test_eight_mb(self):
        data = pattern(8 * 1024 * 1024, 7)
        kfs.make_image(self.img(), 9, [("big", self.host_file("big", data))])
        self.assertEqual(kfs.extract(self.img(), "big"), data)
        self.assertEqual(kfs.check(self.img()), [])

    def test_fourteen_byte_name(self):
        kfs.make_image(self.img(), 1, [("abcdefghijklmn", self.host_file("x", b"xyz"))])
        self.assertEqual(kfs.extract(self.img(), "abcdefghijklmn"), b"xyz")

    def test_cylinder_padding_and_empty(self):
        kfs.make_image(self.img(), 2, [])
        size = os.path.getsize(self.img())
        self.assertEqual(size % (16 * 63 * 512), 0)
        self.assertGreaterEqual(size, 2 * 1024 * 1024)
        self.assertEqual(kfs.list_files(self.img()), [])
        self.assertEqual(kfs.check(self.img()), [])

    def test_deterministic(self):
        files = [("a", self.host_file("a", pattern(5000, 1))), ("b", self.host_file("b", b"b"))]
        kfs.make_image(self.img("1.img"), 2, files)
        kfs.make_image(self.img("2.img"), 2, files)
        with open(self.img("1.img"), "rb") as f1, open(self.img("2.img"), "rb") as f2:
            self.assertEqual(f1.read(), f2.read())

    def test_many_files_grow_directory(self):
        files = [("n%03d" % i, self.host_file("n%03d" % i, b"%d" % i)) for i in range(300)]
        kfs.make_image(self.img(), 2, files)
        self.assertEqual(len(kfs.list_files(self.img())), 300)
        self.assertEqual(kfs.extract(self.img(), "n299"), b"299")
        self.assertEqual(kfs.check(self.img()), [])


class BadInput(KfsTestCase):
    def assertFsError(self, fn, *args, contains=""):
        with self.assertRaises(kfs.FsError) as cm:
            fn(*args)
        msg = str(cm.exception)
        self.assertNotIn("\n", msg)
        self.assertIn(contains, msg)

    def test_unreadable(self):
        self.assertFsError(kfs.make_image, self.img(), 2, [("x", os.path.join(self.dir, "nope"))],
                           contains="cannot read")

    def test_long_name(self):
        p = self.host_file("x", b"1")
        self.assertFsError(kfs.make_image, self.img(), 2, [("abcdefghijklmno", p)],
                           contains="longer than 14")

    def test_empty_name(self):
        self.assertFsError(kfs.make_image, self.img(), 2, [("", self.host_file("x", b"1"))])

    def test_duplicate(self):
        p = self.host_file("x", b"1")
        self.assertFsError(kfs.make_image, self.img(), 2, [("x", p), ("x", p)], contains="twice")

    def test_too_big(self):
        p = self.host_file("x", bytes(3 * 1024 * 1024))
        self.assertFsError(kfs.make_image, self.img(), 2, [("x", p)], contains="do not fit")
        self.assertFalse(os.path.exists(self.img()))

    def test_bad_size(self):
        self.assertFsError(kfs.make_image, self.img(), "lots", [])
        self.assertFsError(kfs.make_image, self.img(), 0, [])

    def test_missing_guest(self):
        kfs.make_image(self.img(), 1, [])
        self.assertFsError(kfs.extract, self.img(), "ghost", contains="no file")

    def test_not_an_image(self):
        self.host_file("junk.img", bytes(4096))
        self.assertFsError(kfs.list_files, self.img("junk.img"), contains="not a Kestrel")
        self.assertEqual(len(kfs.check(self.img("junk.img"))), 1)


class Fsck(KfsTestCase):
    def make(self):
        files = [("a", self.host_file("a", pattern(2000, 1))),
                 ("b", self.host_file("b", pattern(700, 2)))]
        kfs.make_image(self.img(), 2, files)
        with open(self.img(), "rb") as f:
            self.raw = bytearray(f.read())
        self.sb = struct.unpack_from("<8s6I", self.raw, 0)

    def save(self):
        with open(self.img(), "wb") as f:
            f.write(self.raw)
        return kfs.check(self.img())

    def inode_sector(self, slot):
        dir_start = self.sb[5]
        return struct.unpack_from("<I", self.raw, dir_start * 512 + slot * 32 + 16)[0]

    def test_double_use(self):
        self.make()
        a_ino, b_ino = self.inode_sector(0), self.inode_sector(1)
        a_start = struct.unpack_from("<I", self.raw, a_ino * 512 + 16)[0]
        struct.pack_into("<I", self.raw, b_ino * 512 + 16, a_start)
        errs = self.save()
        self.assertTrue(any("used by both" in e for e in errs), errs)
        self.assertTrue(any("lost" in e for e in errs), errs)

    def test_lost_sector(self):
        self.make()
        fm = 512 + 4000 // 8
        self.raw[fm] |= 1
        errs = self.save()
        self.assertEqual(len(errs), 1, errs)
        self.assertIn("lost sector 4000", errs[0])

    def test_unmarked_sector(self):
        self.make()
        ino = self.inode_sector(1)
        self.raw[512 + ino // 8] &= ~(1 << (ino % 8)) & 0xff
        errs = self.save()
        self.assertEqual(len(errs), 1, errs)
        self.assertIn("free in the free map", errs[0])

    def test_bad_inode(self):
        self.make()
        ino = self.inode_sector(0)
        self.raw[ino * 512:ino * 512 + 4] = b"XXXX"
        errs = self.save()
        self.assertTrue(any("not an inode" in e for e in errs), errs)

    def test_length_mismatch(self):
        self.make()
        ino = self.inode_sector(1)
        struct.pack_into("<I", self.raw, ino * 512 + 4, 5000)
        errs = self.save()
        self.assertTrue(any("needs 10 sectors" in e for e in errs), errs)

    def test_nonzero_tail(self):
        self.make()
        ino = self.inode_sector(1)
        start = struct.unpack_from("<I", self.raw, ino * 512 + 16)[0]
        self.raw[(start + 1) * 512 + 300] = 1
        errs = self.save()
        self.assertEqual(len(errs), 1, errs)
        self.assertIn("not zero", errs[0])

    def test_duplicate_name(self):
        self.make()
        dir_start = self.sb[5]
        self.raw[dir_start * 512 + 32:dir_start * 512 + 48] = b"a".ljust(16, b"\0")
        errs = self.save()
        self.assertTrue(any("appears in slots" in e for e in errs), errs)


class Cli(KfsTestCase):
    def run_fsutil(self, *args):
        return subprocess.run([sys.executable, FSUTIL] + list(args), capture_output=True)

    def test_mkfs_get_ls_fsck(self):
        a = self.host_file("a.bin", pattern(3000, 3))
        r = self.run_fsutil("mkfs", self.img(), "--size", "2", a, a + ":other")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.run_fsutil("ls", self.img())
        self.assertEqual(r.stdout, b"a.bin 3000\nother 3000\n")
        out = os.path.join(self.dir, "out")
        self.assertEqual(self.run_fsutil("get", self.img(), "other", out).returncode, 0)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), pattern(3000, 3))
        r = self.run_fsutil("get", self.img(), "a.bin")
        self.assertEqual(r.stdout, pattern(3000, 3))
        r = self.run_fsutil("fsck", self.img())
        self.assertEqual((r.returncode, r.stdout), (0, b""))

    def test_dir_entries_option(self):
        r = self.run_fsutil("mkfs", self.img(), "--size=1", "--dir-entries", "300")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(self.img(), "rb") as f:
            sb = struct.unpack_from("<8s6I", f.read(), 0)
        self.assertEqual(sb[6], 19)
        r = self.run_fsutil("mkfs", self.img(), "--size", "1", "--dir-entries", "x")
        self.assertEqual(r.returncode, 2)
        r = self.run_fsutil("mkfs", self.img(), "--size", "1", "--bogus")
        self.assertEqual(r.returncode, 2)

    def test_fsck_reports(self):
        kfs.make_image(self.img(), 1, [])
        with open(self.img(), "r+b") as f:
            f.seek(512 + 100)
            f.write(b"\xff")
        r = self.run_fsutil("fsck", self.img())
        self.assertEqual(r.returncode, 1)
        self.assertEqual(len(r.stdout.splitlines()), 1)

    def test_errors_are_one_line(self):
        for args in (["mkfs", self.img()], ["get", self.img(), "x"], ["bogus"], [],
                     ["mkfs", self.img(), "--size", "1", "/nonexistent/file"],
                     ["ls", os.path.join(self.dir, "missing.img")]):
            r = self.run_fsutil(*args)
            self.assertNotEqual(r.returncode, 0, args)
            self.assertEqual(len(r.stderr.splitlines()), 1, (args, r.stderr))
            self.assertNotIn(b"Traceback", r.stderr)


if __name__ == "__main__":
    unittest.main()
