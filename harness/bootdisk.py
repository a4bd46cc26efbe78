"""Kestrel boot disks: boot sector, command-line sector, kernel image, whole cylinders.

Used by tools/mkdisk (the command line `make` runs) and by the harness, which writes each
run's kernel command line into its own copy of the boot disk.
"""
import os
import struct

SECTOR = 512
CYLINDER = 16 * 63 * SECTOR
CMDLINE_MAX = SECTOR - 8
KERNEL_COUNT_OFFSET = 0x1B0


class DiskError(Exception):
    pass


def pad_to_cylinders(data):
    rem = len(data) % CYLINDER
    if rem or not data:
        data += bytes(CYLINDER - rem)
    return data


def encode_cmdline(words):
    body = b"".join(w.encode() + b"\0" for w in words)
    if len(body) > CMDLINE_MAX:
        raise DiskError("kernel command line too long (%d bytes, limit %d)" % (len(body), CMDLINE_MAX))
    if any("\0" in w for w in words):
        raise DiskError("kernel command line word contains a NUL byte")
    return (b"CMDL" + struct.pack("<I", len(words)) + body).ljust(SECTOR, b"\0")


def build_boot(mbr_path, kernel_path, out_path, words):
    mbr = bytearray(read_file(mbr_path))
    if len(mbr) > 510:
        raise DiskError("boot sector is %d bytes, more than 510" % len(mbr))
    mbr = mbr.ljust(510, b"\0") + b"\x55\xaa"
    kernel = read_file(kernel_path)
    sectors = (len(kernel) + SECTOR - 1) // SECTOR
    if sectors > 0x8F000 // SECTOR:
        raise DiskError("kernel is %d bytes; the boot sector loads at most %d" % (len(kernel), 0x8F000))
    struct.pack_into("<H", mbr, KERNEL_COUNT_OFFSET, sectors)
    image = bytes(mbr) + encode_cmdline(words) + kernel.ljust(sectors * SECTOR, b"\0")
    write_file(out_path, pad_to_cylinders(image))


def rewrite_cmdline(img_path, words):
    try:
        with open(img_path, "r+b") as f:
            f.seek(SECTOR)
            f.write(encode_cmdline(words))
    except OSError as e:
        raise DiskError("cannot rewrite %s: %s" % (img_path, e.strerror))


def read_file(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise DiskError("cannot read %s: %s" % (path, e.strerror))


def write_file(path, data):
    try:
        with open(path, "wb") as f:
            f.write(data)
    except OSError as e:
        raise DiskError("cannot write %s: %s" % (path, e.strerror))
