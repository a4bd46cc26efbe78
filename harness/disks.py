"""Disk images for one run: boot-disk copy with its command line, fs, scratch and swap disks."""
import os

from harness import bootdisk, kfs
from harness.common import CYLINDER, FS_NAME_MAX, HarnessError, rel


def cylinders(path):
    """Number of whole cylinders of a flat image (Bochs needs the geometry)."""
    size = os.path.getsize(path)
    if size == 0 or size % CYLINDER:
        raise HarnessError("%s is %d bytes, not a whole number of cylinders (%d bytes)"
                           % (rel(path), size, CYLINDER))
    return size // CYLINDER


def make_boot(src, dst, words):
    """Copies boot image src to dst and writes the kernel command line words into the copy."""
    if not os.path.exists(src):
        raise HarnessError("boot disk %s does not exist (run make first)" % rel(src))
    try:
        with open(src, "rb") as fin, open(dst, "wb") as fout:
            while True:
                block = fin.read(1 << 20)
                if not block:
                    break
                fout.write(block)
    except OSError as e:
        raise HarnessError("cannot copy %s: %s" % (rel(src), e.strerror))
    try:
        bootdisk.rewrite_cmdline(dst, list(words))
    except bootdisk.DiskError as e:
        raise HarnessError(str(e))


def make_blank(path, mb):
    """A zero-filled (sparse) disk of mb megabytes, rounded up to whole cylinders."""
    size = int(float(mb) * 1024 * 1024)
    size = max(CYLINDER, (size + CYLINDER - 1) // CYLINDER * CYLINDER)
    with open(path, "wb") as f:
        f.truncate(size)


def check_guest_name(name):
    if not name:
        raise HarnessError("empty guest file name")
    if len(name.encode()) > FS_NAME_MAX:
        raise HarnessError("guest file name %r is %d bytes; the file system allows at most %d"
                           % (name, len(name.encode()), FS_NAME_MAX))
    if "/" in name:
        raise HarnessError("guest file name %r contains '/'; the file system is flat" % name)


def check_put_files(files, fs_mb):
    """Validates (guest, host) pairs for the fs disk: readable, not too big, short names."""
    seen = set()
    total = 0
    capacity = int(fs_mb * 1024 * 1024)
    for guest, host in files:
        check_guest_name(guest)
        if guest in seen:
            raise HarnessError("guest file %r given twice" % guest)
        seen.add(guest)
        if not os.path.isfile(host):
            raise HarnessError("cannot read %s: no such file" % host)
        if not os.access(host, os.R_OK):
            raise HarnessError("cannot read %s: permission denied" % host)
        size = os.path.getsize(host)
        total += size
        if size > capacity or total > capacity:
            raise HarnessError("%s is too big for a %g MB file-system disk (use --fs-disk=MB)"
                               % (host, fs_mb))


def make_fs(path, fs_mb, files):
    """A file-system disk holding files [(guest, host)], built on the host by harness/kfs.py."""
    try:
        kfs.make_image(path, fs_mb, list(files))
    except kfs.FsError as e:
        raise HarnessError("cannot build the fs disk: %s" % e)
    if os.path.getsize(path) % CYLINDER:
        with open(path, "r+b") as f:
            size = os.path.getsize(path)
            f.truncate((size + CYLINDER - 1) // CYLINDER * CYLINDER)


def extract_fs(path, guest):
    """Bytes of guest file `guest` on the fs disk image at path."""
    try:
        return kfs.extract(path, guest)
    except kfs.FsError as e:
        raise HarnessError("cannot get %r from the fs disk: %s" % (guest, e))
