"""Pintos-KAIST grading pieces that need no emulator: command parsing, disks, certificates."""
import os
import struct
import tempfile
import unittest

from harness.common import CYLINDER, HarnessError
from harness.pk import cli, pkdisk, tree


class ParseCommand(unittest.TestCase):
    def test_make_n_line(self):
        line = ("pintos -v -k -T 600 -m 40   --fs-disk=10 -p tests/vm/swap-fork:swap-fork "
                "-p tests/vm/child-swap:child-swap --swap-disk=200 -- -q   -f run 'swap-fork a b' "
                "< /dev/null 2> tests/vm/swap-fork.errors > tests/vm/swap-fork.output")
        t = tree.parse_command(line)
        self.assertEqual(t.name, "tests/vm/swap-fork")
        self.assertEqual((t.timeout, t.mem, t.fs_mb, t.swap_mb), (600, 40, 10, 200))
        self.assertEqual(t.puts, [("tests/vm/swap-fork", "swap-fork"), ("tests/vm/child-swap", "child-swap")])
        self.assertEqual(t.words, ["-q", "-f", "put", "swap-fork", "put", "child-swap", "run", "swap-fork a b"])

    def test_threads_line_and_others(self):
        t = tree.parse_command("pintos -v -k -T 480 -m 20   -- -q  -mlfqs run mlfqs-load-1 < /dev/null "
                               "2> tests/threads/mlfqs/mlfqs-load-1.errors > tests/threads/mlfqs/mlfqs-load-1.output")
        self.assertEqual((t.fs_mb, t.swap_mb, t.puts), (None, None, []))
        self.assertEqual(t.words, ["-q", "-mlfqs", "run", "mlfqs-load-1"])
        self.assertIsNone(tree.parse_command("dd if=/dev/zero of=tests/vm/zeros bs=1024 count=6"))
        with self.assertRaises(HarnessError):
            tree.parse_command("pintos --bogus -- run x > tests/x.output")


class Disks(unittest.TestCase):
    def test_boot_sector_command_line(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "os.dsk")
            with open(path, "wb") as f:
                f.write(b"\x90" * 0x1fe + b"\x55\xaa" + b"K" * 4096)
            img = pkdisk.boot_image(path, ["-q", "run", "args-many a b"])
            self.assertEqual(len(img) % CYLINDER, 0)
            self.assertEqual(struct.unpack("<I", img[0x17a:0x17e])[0], 3)
            self.assertEqual(img[0x17e:0x17e + 21], b"-q\0run\0args-many a b\0")
            self.assertEqual(img[0x1fe:0x200 + 4], b"\x55\xaaKKKK")
            with self.assertRaises(HarnessError):
                pkdisk.boot_image(path, ["x" * 200])

    def test_scratch_records(self):
        with tempfile.TemporaryDirectory() as d:
            prog = os.path.join(d, "p")
            with open(prog, "wb") as f:
                f.write(b"A" * 600)
            img = pkdisk.scratch_image([(prog, "p")], [])
            self.assertEqual(img[:8], b"PUT\0" + struct.pack("<I", 600))
            self.assertEqual(img[512:1112], b"A" * 600)
            self.assertEqual(img[1112:1536], b"\0" * 424)


class Certificate(unittest.TestCase):
    def test_kinds(self):
        recs = [{"test": "a", "variant": v, "verdict": "PASS", "rerun": "r%d" % v} for v in range(3)]
        recs += [{"test": "b", "variant": v, "verdict": "FAIL", "rerun": "r%d" % v} for v in range(3)]
        recs += [{"test": "c", "variant": v, "verdict": "FAIL" if v == 2 else "PASS", "rerun": "c%d" % v}
                 for v in range(3)]
        cert = {c["test"]: c for c in cli.certificate(recs, [0, 1, 2])}
        self.assertEqual(cert["a"]["certificate"], "pass-all")
        self.assertEqual(cert["b"]["certificate"], "fail-all")
        self.assertEqual((cert["c"]["certificate"], cert["c"]["failing_variants"], cert["c"]["replay"]),
                         ("flaky", [2], {"2": "c2"}))

    def test_watchdog_ending_is_no_verdict(self):
        """A run the host-time watchdog ended certifies nothing, pass or fail."""
        recs = [{"test": "d", "variant": v, "verdict": "ERROR" if v == 1 else "PASS", "rerun": "d%d" % v}
                for v in range(3)]
        cert = cli.certificate(recs, [0, 1, 2])
        self.assertEqual((cert[0]["certificate"], cert[0]["replay"]), ("error", {"1": "d1"}))

    def test_rename_maps_program(self):
        t = tree.parse_command("pintos -p tests/userprog/args-single:args-single -p tests/userprog/child:child "
                               "-- -q -f run 'args-single onearg' > tests/userprog/args-single.output")
        r, alias = cli.renamed(t)
        self.assertRegex(alias, r"^p[0-9a-f]{7}$")
        self.assertEqual(r.puts[0][1], alias)
        self.assertEqual(r.puts[1][1], "child")
        self.assertIn(alias + " onearg", r.words)


class Bochsrc(unittest.TestCase):
    def test_machine_keeps_bios_and_fastboot(self):
        """The template's romimage line carries a field of Kestrel's own machine; the
        Pintos-KAIST machine must still get its BIOS line (without one, Bochs boots the
        latest BIOS, whose ACPI range panics the skeleton in palloc)."""
        from harness.pk import emu
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "bochsrc")
            emu.write_bochsrc(path, 20, 1000000, [("ata0-master", "boot.img", 1)])
            with open(path) as f:
                text = f.read()
        self.assertIn("romimage: file=%s, options=fastboot\n" % emu.BIOS, text)
        self.assertNotIn("${", text)
        self.assertIn("ata0-slave: type=cdrom, status=ejected", text)

        self.assertIn(emu.VGA + "\n", text)
        self.assertIn("realtime=0", emu.VGA)       # the screen refresh follows emulated time


class Screen(unittest.TestCase):
    """Bochs's term display writes the screen into a pseudo-terminal only it holds the
    master of; the harness drains the far side (emu.open_screen, emu.drain_screen)."""

    def test_undrained_terminal_blocks_a_writer(self):
        master, slave = os.openpty()
        try:
            os.set_blocking(master, False)
            sent = 0
            with self.assertRaises(BlockingIOError):
                while sent < (1 << 20):
                    sent += os.write(master, b"x" * 1024)
            self.assertLess(sent, 1 << 20)
        finally:
            os.close(master)
            os.close(slave)

    def test_drained_terminal_takes_everything_and_echoes_nothing(self):
        import select
        import threading
        from harness.pk import emu
        master, slave = os.openpty()
        path = os.ttyname(slave)
        os.close(slave)
        screen = emu.open_screen(path)
        self.assertIsNotNone(screen)
        total = 1 << 20
        done = threading.Event()

        def draw():
            sent = 0
            while sent < total:
                sent += os.write(master, b"\x1b[H" + b"y" * 1021)
            done.set()
        writer = threading.Thread(target=draw, daemon=True)
        writer.start()
        try:
            for _ in range(2000):
                if done.is_set():
                    break
                ready, _, _ = select.select([screen], [], [], 0.01)
                if ready:
                    self.assertTrue(emu.drain_screen(screen))
            self.assertTrue(done.is_set(), "the writer blocked although the terminal was drained")
            os.set_blocking(master, False)
            with self.assertRaises(BlockingIOError):     # nothing echoed back (keyboard input)
                os.read(master, 100)
        finally:
            os.close(screen)
            os.close(master)
            writer.join(5)


if __name__ == "__main__":
    unittest.main()
