"""The headers of src/vm stay a small, acyclic set (make harness-test; offline, instant).

Every file of src/vm includes the headers of the subsystems it uses (page.h, frame.h,
space.h, ...), each beside its .c file. This checks, from the `#include "vm/..."` lines:
no header of src/vm includes itself back through others (the graph of headers is acyclic),
every header named exists, and nothing outside src/vm includes a private header (only
vm/vm.h and vm/trace.h are public; the host unit tests of src/tests/host may include
anything, as they compile the kernel's files)."""
import glob
import os
import re
import unittest

from harness.common import ROOT

VM = os.path.join(ROOT, "src", "vm")
PUBLIC = {"vm.h", "trace.h"}
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"vm/([^"]+)"', re.M)


def vm_includes(path):
    """The src/vm headers PATH includes, in order."""
    with open(path) as f:
        return INCLUDE_RE.findall(f.read())


def header_graph(vm_dir=VM):
    """{header: [headers of src/vm it includes]} for every .h of VM_DIR."""
    return {os.path.basename(p): vm_includes(p) for p in sorted(glob.glob(os.path.join(vm_dir, "*.h")))}


def find_cycle(graph):
    """A list of nodes forming a cycle of GRAPH (first node repeated at the end), or None."""
    state = {}

    def visit(node, path):
        state[node] = "open"
        path.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt, path)
                if found:
                    return found
        path.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node, [])
            if found:
                return found
    return None


class VmIncludeTests(unittest.TestCase):
    def test_headers_form_no_cycle(self):
        cycle = find_cycle(header_graph())
        self.assertIsNone(cycle, "include cycle in src/vm: %s" % " -> ".join(cycle or []))

    def test_every_included_header_exists(self):
        for path in glob.glob(os.path.join(VM, "*.[ch]")):
            for h in vm_includes(path):
                self.assertTrue(os.path.exists(os.path.join(VM, h)),
                                "%s includes vm/%s, which does not exist" % (os.path.relpath(path, ROOT), h))

    def test_private_headers_stay_in_vm(self):
        for path in glob.glob(os.path.join(ROOT, "src", "**", "*.[chS]"), recursive=True):
            rel = os.path.relpath(path, ROOT)
            if rel.startswith(os.path.join("src", "vm") + os.sep) or \
                    rel.startswith(os.path.join("src", "tests", "host") + os.sep):
                continue
            private = [h for h in vm_includes(path) if h not in PUBLIC]
            self.assertEqual(private, [], "%s includes private src/vm headers" % rel)

    def test_checker_finds_a_cycle(self):
        """The check can fail: a cycle of three headers is found, a chain is not."""
        self.assertEqual(find_cycle({"a.h": ["b.h"], "b.h": ["c.h"], "c.h": ["a.h"]}),
                         ["a.h", "b.h", "c.h", "a.h"])
        self.assertIsNone(find_cycle({"a.h": ["b.h"], "b.h": ["c.h"], "c.h": []}))


if __name__ == "__main__":
    unittest.main()
