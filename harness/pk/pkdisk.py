"""The disks Pintos-KAIST's launcher (utils/pintos) gives a test, as Bochs flat images.

Layout, from the launcher's documented behaviour: disk 0 (ata0-master) is os.dsk with the
kernel command line written into its boot sector (argument count, a 32-bit little-endian
word at byte 0x17a, then the NUL-terminated words, 128 bytes at most, up to the boot
signature at 0x1fe); disk 1 (ata0-slave) the file-system disk and disk 3 (ata1-slave) the
swap disk, zero-filled, N "MB" meaning N * 0xfc000 bytes (two Bochs cylinders); disk 2
(ata1-master) the scratch disk, one 512-byte header sector per file to put ("PUT\\0", the
size as a 32-bit little-endian word) followed by the file padded to whole sectors, then
1 MB of zeros per file to get. Bochs needs whole cylinders, so every image is padded.
"""
import struct

from harness.common import CYLINDER, SECTOR, HarnessError

ARGC_OFFSET = 0x17a
ARGS_OFFSET = 0x17e
ARGS_SIZE = 128
SIG_OFFSET = 0x1fe
LAUNCHER_MB = 0xfc000


def pad_cylinders(data):
    return data + b"\0" * ((-len(data)) % CYLINDER or (CYLINDER if not data else 0))


def boot_image(os_dsk, words):
    """The boot disk bytes: os.dsk with the command line words in its boot sector.
    HarnessError when they do not fit (the launcher's own limit: 128 bytes with NULs)."""
    try:
        with open(os_dsk, "rb") as f:
            data = f.read()
    except OSError as e:
        raise HarnessError("cannot read %s: %s" % (os_dsk, e.strerror))
    if len(data) < SECTOR or data[SIG_OFFSET:SIG_OFFSET + 2] != b"\x55\xaa":
        raise HarnessError("%s is not a Pintos-KAIST boot disk (no boot signature)" % os_dsk)
    cmd = b"".join(w.encode() + b"\0" for w in words)
    if len(cmd) > ARGS_SIZE:
        raise HarnessError("the kernel command line is %d bytes; Pintos-KAIST's loader holds %d"
                           % (len(cmd), ARGS_SIZE))
    sector = data[:ARGC_OFFSET] + struct.pack("<I", len(words)) + cmd.ljust(ARGS_SIZE, b"\0")
    return pad_cylinders(sector + data[SIG_OFFSET:])


def scratch_image(puts, gets):
    """The scratch disk bytes for puts [(host path, guest name)] and gets [(guest, host)]."""
    parts = []
    for host, _ in puts:
        try:
            with open(host, "rb") as f:
                data = f.read()
        except OSError as e:
            raise HarnessError("cannot read %s (a file the test puts): %s" % (host, e.strerror))
        parts.append(b"PUT\0" + struct.pack("<I", len(data)) + b"\0" * (SECTOR - 8))
        parts.append(data + b"\0" * ((-len(data)) % SECTOR))
    for _ in gets:
        parts.append(b"\0" * 0x100000)
    return pad_cylinders(b"".join(parts))


def blank(path, mb):
    """A sparse zero disk of mb launcher-MB at path (a whole number of cylinders)."""
    size = max(1, int(mb)) * LAUNCHER_MB
    size += (-size) % CYLINDER
    with open(path, "wb") as f:
        f.truncate(size)
