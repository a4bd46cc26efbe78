"""Self-tests of a newcomer's first commands (make harness-test): the disk of `make run`
after `make clean`, and the reason shown for a program that did not load."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from harness import pintos
from harness.common import BUILD, ROOT

PY = sys.executable
HAVE_BOCHS = os.path.exists(os.path.join(BUILD, "boot.img")) and shutil.which("bochs")
PROGRAMS = sorted(f[:-2] for f in os.listdir(os.path.join(ROOT, "src", "programs")) if f.endswith(".c"))


class RunTargetDisk(unittest.TestCase):
    """make run, run-qemu, debug and debug-bochs put every program on the disk even when
    build/programs does not exist yet (a clean checkout): make -n shows the launcher's
    command line without building anything."""

    def test_programs_listed_before_they_are_built(self):
        empty = tempfile.mkdtemp(prefix="kestrel-empty-build-")
        try:
            for target in ("run", "run-qemu", "debug", "debug-bochs"):
                r = subprocess.run(["make", "-n", target, "BUILD=" + empty], cwd=ROOT,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, timeout=60)
                out = r.stdout.decode()
                launch = [l for l in out.splitlines() if "tools/pintos" in l]
                self.assertEqual(len(launch), 1, out)
                for p in PROGRAMS:
                    self.assertIn("-p %s/programs/%s " % (empty, p), launch[0] + " ", target)
        finally:
            shutil.rmtree(empty, ignore_errors=True)


class LoadHintOffline(unittest.TestCase):
    BOOT = "Boot complete.\nExecuting '%s':\n"

    def test_run_action_that_did_not_load(self):
        text = self.BOOT % "alarm-multiple" + "load: alarm-multiple: open failed\nalarm-multiple: exit(-1)\n"
        self.assertEqual(pintos.unloaded_programs(text), [("alarm-multiple", "open failed")])
        text = self.BOOT % "plain a b" + "load: plain: error loading executable\nplain: exit(-1)\n"
        self.assertEqual(pintos.unloaded_programs(text), [("plain", "error loading executable")])

    def test_failed_exec_inside_a_test_is_not_reported(self):
        text = (self.BOOT % "exec-missing" + "(exec-missing) begin\nload: no-such-prog: open failed\n"
                "exec-missing: exit(-1)\n")
        self.assertEqual(pintos.unloaded_programs(text), [])

    def test_hint_names_the_put_option(self):
        hint = pintos.load_hint("args-none", "open failed")
        if os.path.exists(os.path.join(BUILD, "tests", "userprog", "args-none")):
            self.assertEqual(hint, "args-none is not on the file-system disk; put it there with "
                                   "-p build/tests/userprog/args-none")
        hint = pintos.load_hint("alarm-multiple", "open failed")
        self.assertIn("alarm-multiple is not on the file-system disk", hint)
        self.assertIn("no build/programs/alarm-multiple", hint)


@unittest.skipUnless(HAVE_BOCHS, "needs build/boot.img and bochs (run make)")
class LoadFailureRuns(unittest.TestCase):
    def pintos(self, *args):
        r = subprocess.run([PY, os.path.join(ROOT, "tools", "pintos"), "--batch"] + list(args),
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        return r.returncode, r.stdout.decode(), r.stderr.decode()

    def test_missing_program_says_why_and_how(self):
        code, out, err = self.pintos("--", "-q", "run", "args-none")
        self.assertIn("Executing 'args-none':\nload: args-none: open failed\nargs-none: exit(-1)\n", out)
        self.assertIn("pintos: args-none is not on the file-system disk; put it there with "
                      "-p build/tests/userprog/args-none\n", err)
        self.assertEqual(code, 2, err)

    def test_non_elf_program_says_so(self):
        code, out, err = self.pintos("-p", "README.md:readme", "--", "-q", "run", "readme")
        self.assertIn("load: readme: error loading executable\nreadme: exit(-1)\n", out)
        self.assertIn("pintos: readme on the file-system disk is not an executable", err)
        self.assertEqual(code, 2, err)


if __name__ == "__main__":
    unittest.main()


@unittest.skipUnless(HAVE_BOCHS, "needs build/boot.img and bochs (run make)")
class BochsDebuggerQuit(unittest.TestCase):
    """`q` at the Bochs debugger's prompt, as docs/debugging.md says, ends make debug-bochs
    with status 0 and one line saying so; Bochs's start-up chatter (plugins, sound library)
    stays in the run directory."""

    def test_quit_is_not_a_failure(self):
        r = subprocess.run(["make", "-s", "debug-bochs"], cwd=ROOT, input=b"q\n",
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        out, err = r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")
        self.assertEqual(r.returncode, 0, out + err)
        self.assertIn("pintos: you quit Bochs's debugger before the kernel powered off\n", err)
        self.assertNotIn("emulator failure", err)
        for noise in ("ALSA lib", "[PLUGIN]", "lt_dlhandle", "LTDL_LIBRARY_PATH"):
            self.assertNotIn(noise, out + err)
        self.assertIn("<bochs:1>", out)

    def test_bochs_failure_names_its_complaint(self):
        from harness import debug
        with tempfile.NamedTemporaryFile("w", suffix=".err") as f:
            f.write("00000000000i[      ] reading configuration from bochsrc\n"
                    "ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM default\n"
                    "00000000000p[      ] >>PANIC<< bochsrc:3: cpu directive malformed.\n")
            f.flush()
            self.assertEqual(debug.bochs_complaint(f.name),
                             ": 00000000000p[      ] >>PANIC<< bochsrc:3: cpu directive malformed.")


HAVE_GDB = (os.path.exists(os.path.join(BUILD, "boot.img")) and shutil.which("qemu-system-x86_64")
            and shutil.which("gdb"))


@unittest.skipUnless(HAVE_GDB, "needs build/boot.img, qemu-system-x86_64 and gdb")
class GdbHelpers(unittest.TestCase):
    """The gdb session of docs/debugging.md: the read-only commands show the thread, its
    process, page records and frames, and the kernel then runs on to a clean power-off
    (p *thread_current()->process, which runs kernel code, panicked it)."""

    def test_documented_session_leaves_the_kernel_running(self):
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        machine = subprocess.Popen([PY, os.path.join(ROOT, "tools", "pintos"), "--gdb",
                                    "--gdb-port=%d" % port, "-p", os.path.join(BUILD, "tests", "userprog", "args-none"),
                                    "--", "-q", "run", "args-none"],
                                   cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        try:
            machine.stderr.readline()
            machine.stderr.readline()
            steps = ["target remote 127.0.0.1:%d" % port, "break syscall_handler", "continue",
                     "kthread", "kthreads", "kprocess", "kpages", "kframes",
                     "p $kthread()->process->name", "p $kthread()->tid", "kprocess 1",
                     "delete", "continue"]
            cmd = ["gdb", "-q", "-batch", "-nx", "-x", "tools/gdbinit"]
            for step in steps:
                cmd += ["-ex", step]
            gdb = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, timeout=120)
            out = gdb.stdout.decode("utf-8", "replace")
            console, err = machine.communicate(timeout=120)
        finally:
            if machine.poll() is None:
                machine.kill()
                machine.wait()
        console = console.decode("utf-8", "replace")
        self.assertNotIn("Python Exception", out)
        self.assertRegex(out, r"\n +(\d+)  args-none +running  0x8[0-9a-f]+  process args-none\n")
        self.assertRegex(out, r"\n\*  +\d+  args-none +running ")
        self.assertRegex(out, r"\n +1  main +blocked ")
        self.assertIn("process args-none (struct process *)0x", out)
        self.assertIn("open fds: 0:console in 1:console out", out)
        self.assertRegex(out, r"\d+ page records of args-none ")
        self.assertRegex(out, r"\n  0x0000000000401000  exec +r- +frame \d+ ")
        self.assertRegex(out, r"\n  0x000000004747f000  stack +rw +frame \d+ ")
        self.assertRegex(out, r"\n +\d+  0x0*8[0-9a-f]+ +0  args-none:0x4747f000\n")
        self.assertRegex(out, r"\d+ of \d+ frames in use")
        self.assertIn('= "args-none"', out)
        self.assertIn("thread 1 (main) is a kernel thread: no process", out)
        self.assertNotIn("PANIC", console)
        self.assertIn("args-none: exit(0)\n", console)
        self.assertTrue(console.rstrip().endswith("Powering off..."), console[-500:])
        self.assertEqual(machine.returncode, 0, err.decode())


@unittest.skipUnless(HAVE_BOCHS and shutil.which("expect"), "needs build/boot.img, bochs and expect")
class TerminalKeys(unittest.TestCase):
    """On a terminal, Ctrl-C goes to the kernel (it ends the running program: the shell's
    expect tests); Ctrl-] stops the machine, and so does a second Ctrl-C that nothing in
    the machine answered (a kernel test computing silently)."""

    def expect(self, script):
        r = subprocess.run(["expect", "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=300)
        return r.returncode, r.stdout.decode("utf-8", "replace")

    SPAWN = "set timeout 60; spawn %s tools/pintos %s; "
    WAIT = "catch wait result; exit [lindex $result 3]"

    def test_stop_key_stops_the_machine(self):
        code, out = self.expect(self.SPAWN % (PY, "-p build/programs/shell -- -q run shell") +
                                'expect "kestrel> "; send "\\x1d"; expect eof; ' + self.WAIT)
        self.assertEqual(code, 130, out)
        self.assertIn("pintos: Ctrl-C stops the running program; Ctrl-] (or Ctrl-C twice when "
                      "nothing answers) stops the machine", out)
        self.assertIn("pintos: interrupted; emulator stopped", out)

    def test_unanswered_ctrl_c_twice_stops_the_machine(self):
        code, out = self.expect(self.SPAWN % (PY, "-- -q run debug-loop") +
                                'expect "Executing"; sleep 0.5; send "\\x03"; sleep 1.5; send "\\x03"; '
                                'expect eof; ' + self.WAIT)
        self.assertEqual(code, 130, out)
        self.assertIn("pintos: interrupted; emulator stopped", out)


class Plural(unittest.TestCase):
    @unittest.skipUnless(HAVE_BOCHS, "needs build/boot.img and bochs (run make)")
    def test_one_test_is_singular(self):
        results = tempfile.mkdtemp(prefix="kestrel-plural-")
        try:
            r = subprocess.run([PY, "-m", "harness", "check", "--tests", "threads/sleep-zero",
                                "--results", results, "--no-unit"], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=300)
        finally:
            shutil.rmtree(results, ignore_errors=True)
        out = r.stdout.decode()
        self.assertTrue(out.startswith("Running 1 test on bochs"), out)
