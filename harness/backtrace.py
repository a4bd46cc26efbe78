"""Symbolizes kernel call stacks: `0xADDR: function (file:line)` through binutils' addr2line;
a function the compiler inlined is followed by `inlined into CALLER (file:line)` lines.

The kernel prints `Call stack: A B C` where every entry but a trapped instruction pointer is a
return address minus one, so each address already lies inside the calling instruction.
"""
import os
import re
import shutil
import subprocess

from harness.common import BUILD, HarnessError, ROOT

CALL_STACK_RE = re.compile(r"Call stack:((?:\s+0x[0-9a-fA-F]+)+)")
ADDRESS_RE = re.compile(r"^0x[0-9a-fA-F]+$")


def call_stacks(text):
    """Every call stack in a console log, as lists of integer addresses."""
    return [[int(a, 16) for a in m.group(1).split()] for m in CALL_STACK_RE.finditer(text)]


def _short(path):
    if path.startswith(ROOT + os.sep):
        return os.path.relpath(path, ROOT)
    return path


def symbolize(addresses, elf=None):
    """Lines `0xADDR: function (file:line)` for the addresses, each followed by one
    `inlined into CALLER (file:line)` line per level of inlining; one addr2line run for all."""
    elf = elf or os.path.join(BUILD, "kernel.elf")
    if not addresses:
        return []
    if not os.path.exists(elf):
        raise HarnessError("%s does not exist (run make first)" % elf)
    if not shutil.which("addr2line"):
        raise HarnessError("addr2line not found; install it with: apt-get install -y binutils")
    try:
        out = subprocess.run(["addr2line", "-a", "-f", "-i", "-e", elf] + ["%#x" % a for a in addresses],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False,
                             timeout=60).stdout.decode("utf-8", "replace").splitlines()
    except (OSError, subprocess.TimeoutExpired) as e:
        raise HarnessError("addr2line failed: %s" % e)
    # Per address: its own line "0x...", then (function, file:line) pairs, innermost first:
    # an inlined function, then each caller it was inlined into.
    frames = []
    for line in out:
        if ADDRESS_RE.match(line):
            frames.append([])
        elif frames:
            frames[-1].append(line)
    lines = []
    for i, a in enumerate(addresses):
        pairs = frames[i] if i < len(frames) else []
        func = pairs[0] if pairs else "??"
        if func == "??":
            lines.append("%#x: (unknown: not in %s)" % (a, os.path.basename(elf)))
            continue
        names = [(pairs[j], _where(pairs[j + 1] if j + 1 < len(pairs) else "??:0"))
                 for j in range(0, len(pairs), 2)]
        lines.append("%#x: %s (%s)" % (a, names[0][0], names[0][1]))
        pad = " " * len("%#x: " % a)
        for caller, where in names[1:]:
            lines.append("%sinlined into %s (%s)" % (pad, caller, where))
    return lines


def _where(text):
    """file:line of addr2line, without the discriminator, relative to the repository."""
    return _short(re.sub(r" \(discriminator \d+\)$", "", text))


def symbolize_log(text, elf=None):
    """Symbolized lines for every call stack in a console log, stacks separated by a blank line."""
    out = []
    for stack in call_stacks(text):
        if out:
            out.append("")
        out.extend(symbolize(stack, elf))
    return out
