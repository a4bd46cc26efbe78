"""How a run ended, in no emulator's words (Ending), and the run status that the console
and the Ending together give (classify). Nothing here reads an emulator's log."""
from harness.console import BANNER, POWER_OFF_LINE


class Ending:
    """How the emulator stopped, in no emulator's words.

    kind: shutdown (the guest asked for power-off), triple (the CPU could not deliver an
    exception, or the machine reset), fatal (the emulator gave up: detail says why),
    exit (it exited for no reason it stated), timeout (a limit of this harness; detail),
    quit (the user quit Bochs's debugger before power-off: status quit, not an error).
    tick: for a shutdown under Bochs, the emulated cycle count at which the machine stopped.
    """

    def __init__(self, kind, detail="", tick=None):
        self.kind = kind
        self.detail = detail
        self.tick = tick        # emulated time of a shutdown when the emulator tells it


def classify(text, ending):
    """(status, detail) of a run from its console text and its Ending.

    A second boot banner is a reboot; a PANIC line is a kernel panic; a console whose
    last line is `Powering off...` powered off cleanly even if the emulator's exit was
    untidy (the kernel prints it just before it writes the shutdown port). A power-off
    whose console lacks that line is an error, never a clean run: output went missing."""
    if ending.kind == "timeout":
        return "timeout", ending.detail
    if text.count(BANNER) > 1:
        return "triple", "the machine rebooted (a second boot banner)"
    for line in text.splitlines():
        if "PANIC" in line:
            return "panic", line.strip()
    if ending.kind == "triple":
        return "triple", ending.detail or "triple fault (the CPU could not deliver an exception)"
    if text.rstrip().endswith(POWER_OFF_LINE):
        return "poweroff", ""
    if ending.kind == "shutdown":
        return "error", ("the machine powered off, but the console stops before `%s`: its "
                         "last output was lost" % POWER_OFF_LINE)
    if ending.kind == "fatal":
        return "error", "the emulator stopped: %s" % ending.detail
    if ending.kind == "quit":
        return "quit", ""
    return "error", "the emulator exited without powering off%s" % (
        ": " + ending.detail if ending.detail else "")
