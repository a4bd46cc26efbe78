"""Symbolizes kernel call stacks: `0xADDR: function (file:line)` through binutils' addr2line.

The kernel prints `Call stack: A B C` where every entry but a trapped instruction pointer is a
return address minus one, so each address already lies inside the calling instruction.
"""
import os
import re
import shutil
import subprocess

from harness.common import BUILD, HarnessError, ROOT

CALL_STACK_RE = re.compile(r"Call stack:((?:\s+0x[0-9a-fA-F]+)+)")


def call_stacks(text):
    """Every call stack in a console log, as lists of integer addresses."""
    return [[int(a, 16) for a in m.group(1).split()] for m in CALL_STACK_RE.finditer(text)]


def _short(path):
    if path.startswith(ROOT + os.sep):
        return os.path.relpath(path, ROOT)
    return path


def symbolize(addresses, elf=None):
    """Lines `0xADDR: function (file:line)` for the addresses, one addr2line run for all."""
    elf = elf or os.path.join(BUILD, "kernel.elf")
    if not addresses:
        return []
    if not os.path.exists(elf):
        raise HarnessError("%s does not exist (run make first)" % elf)
    if not shutil.which("addr2line"):
        raise HarnessError("addr2line not found; install it with: apt-get install -y binutils")
    try:
        out = subprocess.run(["addr2line", "-f", "-e", elf] + ["%#x" % a for a in addresses],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False,
                             timeout=60).stdout.decode("utf-8", "replace").splitlines()
    except (OSError, subprocess.TimeoutExpired) as e:
        raise HarnessError("addr2line failed: %s" % e)
    lines = []
    for i, a in enumerate(addresses):
        func = out[2 * i] if 2 * i < len(out) else "??"
        where = out[2 * i + 1] if 2 * i + 1 < len(out) else "??:0"
        where = re.sub(r" \(discriminator \d+\)$", "", where)
        if func == "??":
            lines.append("%#x: (unknown: not in %s)" % (a, os.path.basename(elf)))
        else:
            lines.append("%#x: %s (%s)" % (a, func, _short(where)))
    return lines


def symbolize_log(text, elf=None):
    """Symbolized lines for every call stack in a console log, stacks separated by a blank line."""
    out = []
    for stack in call_stacks(text):
        if out:
            out.append("")
        out.extend(symbolize(stack, elf))
    return out
