"""Checks that the documents stay true to the tree (make harness-test; offline, instant):
docs/abi.md lists exactly the call numbers of src/lib/syscall-nr.h, no document points
outside the repository, the README names its test command and the packages CI installs,
and every launcher example names programs and tests that exist."""
import configparser
import glob
import os
import re
import unittest

from harness.common import ROOT

DOCS = ["README.md", "CONTRIBUTING.md"] + sorted(
    os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "docs", "*.md")))


def read(path):
    with open(os.path.join(ROOT, path)) as f:
        return f.read()


def test_names():
    """Every test section name of every src/tests/*/tests.cfg, and the kernel self-tests."""
    names = set()
    for cfg in glob.glob(os.path.join(ROOT, "src", "tests", "*", "tests.cfg")):
        p = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";", "#"))
        p.read(cfg)
        names.update(p.sections())
    names.update(re.findall(r'\{"([\w-]+)", test_\w+\}', read("src/tests/threads/tests.c")))
    return names


class DocTests(unittest.TestCase):
    def test_abi_lists_every_call_number(self):
        nr = {}
        for name, value in re.findall(r"SYS_(\w+) = (\d+),", read("src/lib/syscall-nr.h")):
            nr[int(value)] = name.lower()
        abi = read("docs/abi.md")
        rows = re.findall(r"^\| (\d+)(?:-(\d+))? \| (.*?) \|", abi, re.M)
        documented = {}
        for first, last, text in rows:
            for n in range(int(first), int(last or first) + 1):
                documented[n] = text
        self.assertEqual(sorted(documented), sorted(nr))
        for n, name in nr.items():
            self.assertIn(name, documented[n], "docs/abi.md row %d does not name %s" % (n, name))

    def test_no_document_points_outside_the_repository(self):
        for doc in DOCS:
            self.assertNotRegex(read(doc), r"(^|[\s`(])\.\./|shared/ABI|/work/", doc)

    def test_readme_install_line_and_test_command(self):
        readme = read("README.md")
        self.assertIn("make check", readme)
        self.assertNotRegex(readme, r"(?m)^\s+sudo ")
        install = re.search(r"(?m)^\s+apt-get install -y (.*)$", readme).group(1).split()
        ci = re.search(r"apt-get install ((?:[^\n]*\\\n)*[^\n]*)", read(".ci/run")).group(1)
        packages = [w for w in ci.replace("\\", " ").split() if not w.startswith("-")
                    and not w.startswith(">")]
        self.assertIn("libc6-dev", packages)
        for package in packages:
            self.assertIn(package, install, "README's install line lacks %s (.ci/run has it)" % package)

    def test_launcher_examples_name_things_that_exist(self):
        names = test_names() | {os.path.basename(p)[:-2] for p in
                                glob.glob(os.path.join(ROOT, "src", "programs", "*.c"))}
        examples = []
        for doc in DOCS + ["harness/pintos.py"]:
            examples += [(doc, m) for m in re.findall(r"tools/pintos [^\n`]*", read(doc))]
        self.assertTrue(examples)
        for doc, line in examples:
            for suite, prog in re.findall(r"-p build/tests/([\w-]+)/([\w-]+)", line):
                self.assertTrue(os.path.exists(os.path.join(ROOT, "src", "tests", suite, prog + ".c")),
                                "%s: %s" % (doc, line))
            for run in re.findall(r"run '?([\w-]+)", line):
                if run not in ("PROGRAM", "TEST", "NAME"):
                    self.assertIn(run, names, "%s: %s" % (doc, line))


if __name__ == "__main__":
    unittest.main()
