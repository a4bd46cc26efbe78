"""Self-tests of the user-facing tools (make harness-test): gdb against QEMU, Bochs's
debugger with the kernel's symbols, the launcher's Pintos options and saved command line,
the kernel's -v kill reasons, piped shell input, and symbolized backtraces.

Each boots the kernel once or twice (a few seconds in all); they skip without the
emulator, gdb or a build."""
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

from harness import backtrace, pintos
from harness.common import BUILD, HarnessError, ROOT

PY = sys.executable
PINTOS = os.path.join(ROOT, "tools", "pintos")
KERNEL = os.path.join(BUILD, "kernel.elf")
HAVE_BUILD = os.path.exists(os.path.join(BUILD, "boot.img"))
HAVE_BOCHS = HAVE_BUILD and shutil.which("bochs")
HAVE_QEMU = HAVE_BUILD and shutil.which("qemu-system-x86_64")
HAVE_GDB = HAVE_QEMU and shutil.which("gdb")


def prog(path):
    return os.path.join(BUILD, path)


class ToolRun(unittest.TestCase):
    """Runs tools/pintos with KESTREL_TMP in a private directory (kept runs land there)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kestrel-tools-test-")
        self.env = dict(os.environ, KESTREL_TMP=self.tmp)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def pintos(self, args, stdin=None, timeout=120):
        """Runs the launcher; stdin None means /dev/null (no console input, a file console)."""
        feed = {"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}
        r = subprocess.run([PY, PINTOS] + args, cwd=ROOT, env=self.env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout, **feed)
        out, err = r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")
        self.assertNotIn("Traceback", err)
        return r.returncode, out, err

    def kept_dirs(self):
        return glob.glob(os.path.join(self.tmp, "kestrel-run-*"))


class LauncherOptionTests(unittest.TestCase):
    """Offline: how launcher options become kernel words and disk sizes."""

    def spec(self, argv):
        args, words = pintos.parse(argv)
        return pintos.spec_from_args(args, words)

    def test_pintos_names_of_disk_sizes(self):
        s = self.spec(["--filesys-size=6", "--swap-size=8", "-v", "--kill-on-failure", "--batch",
                       "--", "-q", "-f", "run", "x"])
        self.assertEqual((s.fs_mb, s.swap_mb), (6, 8))
        self.assertEqual(s.words, ["-q", "-f", "run", "x"])

    def test_kernel_options_passed(self):
        s = self.spec(["--evict=clock", "--fork=cow", "--explain-kills", "-j", "3", "--batch",
                       "--", "-q", "run", "x"])
        self.assertEqual(s.words[:4], ["-v", "-evict=clock", "-fork=cow", "-seed=3"])

    def test_bad_policy_name_is_one_line_error(self):
        with self.assertRaises(HarnessError):
            self.spec(["--evict=", "--", "run", "x"])
        with self.assertRaises(HarnessError):
            self.spec(["--gdb", "--bochs-debugger", "--", "run", "x"])

    def test_gdb_means_qemu_without_time_limits(self):
        s = self.spec(["--gdb", "--gdb-port=4321", "--batch", "--", "run", "x"])
        self.assertEqual((s.emulator, s.gdb_port, s.timeout, s.quiet), ("qemu", 4321, 0, 0))


class MakeTargetTests(unittest.TestCase):
    def test_debug_targets_use_the_launcher(self):
        for target, option in (("debug", "--gdb"), ("debug-bochs", "--bochs-debugger")):
            out = subprocess.run(["make", "-n", "-s", target], cwd=ROOT, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT).stdout.decode()
            self.assertRegex(out, r"tools/pintos %s .*-p build/programs/shell .*-- run shell" % option)


@unittest.skipUnless(os.path.exists(KERNEL) and shutil.which("addr2line"), "needs build/kernel.elf")
class BacktraceTests(unittest.TestCase):
    def symbol(self, name):
        out = subprocess.run(["nm", KERNEL], stdout=subprocess.PIPE, check=True).stdout.decode()
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[2] == name:
                return int(parts[0], 16)
        self.fail("no symbol %s" % name)

    def test_assembly_has_line_numbers(self):
        line = backtrace.symbolize([self.symbol("syscall_entry")])[0]
        self.assertRegex(line, r"syscall_entry \(src/userprog/syscall-entry\.S:\d+\)$")

    def test_inlined_callers_are_shown(self):
        start = self.symbol("syscall_handler")
        lines = backtrace.symbolize([start + i for i in range(0, 800, 8)])
        inlined = [l for l in lines if "inlined into syscall_handler (src/userprog/syscall.c:" in l]
        self.assertTrue(inlined, "\n".join(lines))


@unittest.skipUnless(HAVE_BOCHS, "needs build/boot.img and bochs (run make)")
class LauncherRunTests(ToolRun):
    def test_pintos_kaist_command_line_runs_unchanged(self):
        code, out, err = self.pintos(["-v", "-k", "-T", "60", "--fs-disk=10", "-p",
                                      prog("tests/userprog/args-none") + ":args-none",
                                      "--swap-disk=4", "--", "-q", "-f", "run", "args-none"])
        self.assertEqual(code, 0, err)
        self.assertIn("(args-none) argv[0] = \"args-none\"\n(args-none) argv[1] is null\n"
                      "(args-none) end\nargs-none: exit(0)\n", out)
        kept = self.kept_dirs()
        self.assertEqual(len(kept), 1, err)
        with open(os.path.join(kept[0], "command")) as f:
            command = f.read()
        self.assertEqual(command, "cd %s && bochs -q -f bochsrc\n" % kept[0])
        self.assertIn("run directory kept: %s" % kept[0], err)

    def test_unknown_kernel_option_exits_non_zero(self):
        code, out, err = self.pintos(["--", "-q", "-mlfqs", "run", "alarm-single"])
        self.assertEqual(code, 2, err)
        self.assertIn("Unknown option: -mlfqs", out)
        self.assertIn("pintos: the kernel rejected its command line: Unknown option: -mlfqs", err)

    def test_explain_kills_names_the_fault(self):
        args = ["-p", prog("tests/userprog/bad-write-kern"), "--", "-q", "run", "bad-write-kern"]
        code, plain, err = self.pintos(args)
        self.assertEqual(code, 0, err)
        self.assertNotIn("killed", plain)
        code, out, err = self.pintos(["--explain-kills"] + args)
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"\nbad-write-kern: killed: page fault: write to 0x80040[0-9a-f]{5} "
                              r"\(protection\), rip 0x4[0-9a-f]+\nbad-write-kern: exit\(-1\)\n")
        code, out, err = self.pintos(["-p", prog("tests/userprog/bad-jump-null"), "--", "-q", "-v",
                                      "run", "bad-jump-null"])
        self.assertIn("bad-jump-null: killed: page fault: instruction fetch from 0 (not present), "
                      "rip 0\n", out.replace("0x0", "0"))

    def test_panic_call_stack_is_symbolized(self):
        code, out, err = self.pintos(["--", "-q", "run", "debug-panic"])
        self.assertEqual(code, 3, err)
        self.assertIn("Call stack:", out)
        self.assertRegex(err, r"pintos: call stack:\n    0x[0-9a-f]+: \S+ \(src/")
        self.assertRegex(err, r"test_debug_panic \(src/tests/threads/\S+\.c:\d+\)")

    def test_piped_input_runs_commands_and_powers_off(self):
        self.piped_shell([])

    @unittest.skipUnless(HAVE_QEMU, "needs qemu-system-x86_64")
    def test_piped_input_under_qemu_loses_no_byte(self):
        self.piped_shell(["--qemu"])

    def piped_shell(self, extra):
        files = list(extra)
        for p in ("shell", "ls", "echo", "cat"):
            files += ["-p", prog("programs/" + p)]
        code, out, err = self.pintos(files + ["--", "-q", "run", "shell"],
                                     stdin=b"ls\necho piped input\ncat\ncopied by cat\n")
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"kestrel> ls\nshell +\d+\nls +\d+\necho +\d+\ncat +\d+\nls: exit\(0\)\n")
        self.assertIn("kestrel> echo piped input\npiped input\necho: exit(0)\n", out)
        self.assertIn("kestrel> cat\ncopied by cat\ncopied by cat\n\ncat: exit(0)\n", out)
        self.assertIn("Goodbye.\nshell: exit(0)\nExecution of 'shell' complete.", out)
        self.assertTrue(out.rstrip().endswith("Powering off..."))

    def test_bochs_debugger_has_kernel_symbols(self):
        code, out, err = self.pintos(["--bochs-debugger", "-k", "-p", prog("tests/userprog/args-none"),
                                      "--", "-q", "run", "args-none"],
                                     stdin=b'lb "syscall_handler"\nc\nq\n')
        self.assertIn("(syscall_handler+0)", out)
        kept = self.kept_dirs()
        self.assertEqual(len(kept), 1, err)
        self.assertTrue(os.path.exists(os.path.join(kept[0], "kernel.sym")))
        with open(os.path.join(kept[0], "bochsrc")) as f:
            self.assertIn("debug_symbols: file=kernel.sym", f.read())


class ProfileTests(ToolRun):
    """make profile: a sampled table of where a test's instructions go."""

    def profile(self, *args):
        r = subprocess.run([PY, "-m", "harness.profile"] + list(args), cwd=ROOT, env=self.env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        self.assertNotIn("Traceback", r.stderr.decode())
        return r.returncode, r.stdout.decode(), r.stderr.decode()

    @unittest.skipUnless(HAVE_BOCHS, "needs build/boot.img and bochs")
    def test_user_bound_test_is_mostly_user_and_repeats(self):
        code, out, _ = self.profile("vm/page-linear", "--every", "400000")
        self.assertEqual(code, 0, out)
        first = out.splitlines()[1].split()
        self.assertEqual(first[2], "(user)", out)
        self.assertGreater(float(first[1].rstrip("%")), 50.0, out)
        self.assertEqual(self.profile("vm/page-linear", "--every", "400000")[1], out)
        self.assertEqual(self.kept_dirs(), [])

    @unittest.skipUnless(HAVE_BOCHS, "needs build/boot.img and bochs")
    def test_kernel_bound_test_names_kernel_functions(self):
        code, out, _ = self.profile("threads/malloc-stress", "--every", "200000", "--top", "3")
        self.assertEqual(code, 0, out)
        rows = out.splitlines()[1:]
        self.assertEqual(len(rows), 3, out)
        self.assertNotIn("(user)", out)

    def test_unknown_test_is_one_line_error(self):
        code, out, err = self.profile("vm/no-such-test")
        self.assertEqual(code, 2)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertIn("no test matches", err)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@unittest.skipUnless(HAVE_GDB, "needs build/boot.img, qemu-system-x86_64 and gdb")
class GdbTests(ToolRun):
    def test_gdb_stops_at_syscall_handler_with_backtrace(self):
        port = free_port()
        machine = subprocess.Popen([PY, PINTOS, "--gdb", "--gdb-port=%d" % port, "-k", "-p",
                                    prog("tests/userprog/args-none"), "--", "-q", "run", "args-none"],
                                   cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            attach = machine.stderr.readline().decode()
            self.assertIn("QEMU waits for gdb on 127.0.0.1:%d" % port, attach)
            command = machine.stderr.readline().decode().strip()
            self.assertEqual(command, "gdb -q -x tools/gdbinit -ex 'target remote 127.0.0.1:%d'" % port)
            gdb = subprocess.run(["gdb", "-q", "-batch", "-nx", "-x", "tools/gdbinit",
                                  "-ex", "target remote 127.0.0.1:%d" % port,
                                  "-ex", "break syscall_handler", "-ex", "continue",
                                  "-ex", "bt", "-ex", "frame 1", "-ex", "info symbol $pc",
                                  "-ex", "loaduser args-none", "-ex", "bt",
                                  "-ex", "delete", "-ex", "detach"],
                                 cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, timeout=120)
            out = gdb.stdout.decode("utf-8", "replace")
            out_, err = machine.communicate(timeout=120)
        finally:
            if machine.poll() is None:
                machine.kill()
                machine.wait()
        self.assertRegex(out, r"Breakpoint 1, syscall_handler \(f=0x[0-9a-f]+\) at src/userprog/syscall\.c:\d+")
        # Frame 1 is syscall_entry, which its call-frame information marks as a ring
        # crossing (gdb's "signal handler" frame) so that unwinding goes on in user code.
        self.assertRegex(out, r"#0  syscall_handler \(f=0x[0-9a-f]+\) at src/userprog/syscall\.c:\d+\n"
                              r"#1  <signal handler called>\n")
        self.assertRegex(out, r"\nsyscall_entry \+ \d+ in section \.text\n")
        # With the program's symbols the stack continues in user code, down to _start.
        self.assertRegex(out, r"#1  <signal handler called>\n#2  (0x[0-9a-f]+ in )?write \(.*\) at "
                              r"src/lib/user/syscall\.c:\d+\n")
        self.assertRegex(out, r"in main \(.*\) at src/tests/lib\.c:\d+\n#\d+  0x[0-9a-f]+ in _start ")
        self.assertEqual(machine.returncode, 0, err.decode())
        self.assertIn(b"args-none: exit(0)", out_)
        kept = self.kept_dirs()
        with open(os.path.join(kept[0], "command")) as f:
            command = f.read()
        self.assertIn("qemu-system-x86_64 ", command)
        self.assertIn(" -S -gdb tcp:127.0.0.1:%d" % port, command)


if __name__ == "__main__":
    unittest.main()
