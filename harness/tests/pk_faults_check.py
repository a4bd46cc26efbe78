"""make check item harness/fault-count: the page faults Bochs raised equal Kestrel's own
pf_total (harness/pk/faultcheck.py), on a representative set: user and kernel-mode faults,
swap, copy-on-write, the fuzzer. The whole suite is `python3 -m harness.pk.faultcheck`
(167 tests, about 8 minutes on a loaded 2-core machine; docs/grading-pintos.md)."""
import io
import unittest
from contextlib import redirect_stdout

from harness.pk import faultcheck

TESTS = ("userprog/create-null userprog/file-large harden/read-eof-bad harden/fs-fill-exact "
         "vm/cow-many vm/swap-fork fuzz/sc-fuzz-1 vm/big-bss")


class FaultCount(unittest.TestCase):
    def test_bochs_count_equals_kernel_count(self):
        buf = io.StringIO()
        with redirect_stdout(buf):
            status = faultcheck.main(["--tests", TESTS, "-j", "2"])
        out = buf.getvalue()
        self.assertEqual(status, 0, out)
        self.assertIn("8 tests: 8 agree", out)
        self.assertRegex(out, r"[1-9]\d* kernel\)")     # kernel-mode faults were seen too


if __name__ == "__main__":
    unittest.main()
