"""Host side of the Kestrel file system (KFS): build images, read files back, check them.

The on-disk format is documented in src/filesys/layout.h; this module and the kernel
must agree on it. Summary (little-endian, 512-byte sectors):

  sector 0        superblock: "KESTRLFS", u32 version (1), u32 sector_cnt,
                  u32 freemap_start (1), u32 freemap_sectors, u32 dir_start, u32 dir_sectors
  free map        one bit per sector (byte i // 8, bit i % 8), set = in use
  directory       dir_sectors * 16 entries of 32 bytes: name[16] NUL-padded (1..14 bytes),
                  u32 inode sector (0 = free slot), 12 zero bytes
  inode           one sector: "INOD", u32 length, u32 extent_cnt, u32 0,
                  62 extents of (u32 start, u32 count)

Images are deterministic: the same files in the same order give the same bytes.
Errors are reported by raising FsError with a one-line message.
"""
import os
import struct

SECTOR = 512
CYLINDER = 16 * 63 * SECTOR
MAGIC = b"KESTRLFS"
VERSION = 1
INODE_MAGIC = b"INOD"
NAME_MAX = 14
EXTENT_MAX = 62
DIRENT_SIZE = 32
DIRENTS_PER_SECTOR = SECTOR // DIRENT_SIZE
BITS_PER_SECTOR = SECTOR * 8
DEFAULT_DIR_ENTRIES = 64
INT32_MAX = 2**31 - 1

_SUPER = struct.Struct("<8s6I")
_DIRENT = struct.Struct("<16sI12x")
_INODE_HEAD = struct.Struct("<4s3I")
_EXTENT = struct.Struct("<2I")


class FsError(Exception):
    """A bad input or a malformed image; str() is a one-line message."""


def pad_to_cylinders(nbytes):
    """Smallest whole number of cylinders (at least one) holding NBYTES, in bytes."""
    cyls = max(1, (nbytes + CYLINDER - 1) // CYLINDER)
    return cyls * CYLINDER


def _div_up(a, b):
    return (a + b - 1) // b


def _encode_name(name):
    """Guest NAME (str or bytes) as bytes, or FsError if it is not a valid KFS name."""
    raw = name.encode("utf-8", "surrogateescape") if isinstance(name, str) else bytes(name)
    if not raw:
        raise FsError("empty guest file name")
    if b"\0" in raw:
        raise FsError("guest file name %r contains a NUL byte" % name)
    if len(raw) > NAME_MAX:
        raise FsError("guest file name %r is %d bytes, longer than %d" % (name, len(raw), NAME_MAX))
    return raw


def _decode_name(raw):
    return raw.decode("utf-8", "surrogateescape")


def _read_host(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise FsError("cannot read %s: %s" % (path, e.strerror or e))


def _sectors_for(nbytes):
    return _div_up(nbytes, SECTOR)


class _Layout:
    """Geometry of a file system of SECTOR_CNT sectors with DIR_SECTORS directory sectors."""

    def __init__(self, sector_cnt, dir_sectors):
        self.sector_cnt = sector_cnt
        self.freemap_start = 1
        self.freemap_sectors = _div_up(sector_cnt, BITS_PER_SECTOR)
        self.dir_start = self.freemap_start + self.freemap_sectors
        self.dir_sectors = dir_sectors
        self.data_start = self.dir_start + dir_sectors

    def pack_super(self):
        head = _SUPER.pack(MAGIC, VERSION, self.sector_cnt, self.freemap_start,
                           self.freemap_sectors, self.dir_start, self.dir_sectors)
        return head.ljust(SECTOR, b"\0")


def _pack_inode(length, extents):
    out = _INODE_HEAD.pack(INODE_MAGIC, length, len(extents), 0)
    out += b"".join(_EXTENT.pack(s, c) for s, c in extents)
    return out.ljust(SECTOR, b"\0")


def _set_bits(bits, start, count):
    for s in range(start, start + count):
        bits[s // 8] |= 1 << (s % 8)


def make_image(path, size_mb, files, dir_entries=None):
    """Writes a fresh KFS image of SIZE_MB megabytes (rounded up to whole cylinders) to
    PATH holding FILES, a list of (guest_name, host_path), in that order. DIR_ENTRIES
    (default: 64, or twice the file count if more) sets the directory size."""
    try:
        size_bytes = int(float(size_mb) * 1024 * 1024)
    except (TypeError, ValueError):
        raise FsError("image size %r is not a number of MB" % (size_mb,))
    if size_bytes <= 0:
        raise FsError("image size must be positive, not %r MB" % (size_mb,))
    image_bytes = pad_to_cylinders(size_bytes)
    sector_cnt = image_bytes // SECTOR
    if sector_cnt > 0xFFFFFFFF:
        raise FsError("image of %s MB is too large" % (size_mb,))

    contents = []
    seen = set()
    for guest, host in files:
        raw = _encode_name(guest)
        if raw in seen:
            raise FsError("guest file name %r given twice" % guest)
        seen.add(raw)
        data = _read_host(host)
        if len(data) > INT32_MAX:
            raise FsError("%s is too large (%d bytes)" % (host, len(data)))
        contents.append((raw, data))

    if dir_entries is None:
        dir_entries = max(DEFAULT_DIR_ENTRIES, 2 * len(contents))
    if dir_entries < len(contents):
        raise FsError("%d files do not fit in a directory of %d entries" % (len(contents), dir_entries))
    dir_sectors = max(1, _div_up(dir_entries, DIRENTS_PER_SECTOR))
    lay = _Layout(sector_cnt, dir_sectors)

    need = sum(1 + _sectors_for(len(d)) for _, d in contents)
    have = sector_cnt - lay.data_start
    if need > have:
        raise FsError("files do not fit: they need %d sectors, a %s MB image has %d free"
                      % (need, size_mb, max(have, 0)))

    img = bytearray(image_bytes)
    bits = bytearray(lay.freemap_sectors * SECTOR)
    _set_bits(bits, 0, lay.data_start)
    img[0:SECTOR] = lay.pack_super()
    nxt = lay.data_start
    dirents = bytearray(dir_sectors * SECTOR)
    for slot, (raw, data) in enumerate(contents):
        inode_sector = nxt
        nsec = _sectors_for(len(data))
        extents = [(inode_sector + 1, nsec)] if nsec else []
        img[inode_sector * SECTOR:(inode_sector + 1) * SECTOR] = _pack_inode(len(data), extents)
        start = (inode_sector + 1) * SECTOR
        img[start:start + len(data)] = data
        _set_bits(bits, inode_sector, 1 + nsec)
        nxt = inode_sector + 1 + nsec
        _DIRENT.pack_into(dirents, slot * DIRENT_SIZE, raw, inode_sector)
    fm = lay.freemap_start * SECTOR
    img[fm:fm + len(bits)] = bits
    ds = lay.dir_start * SECTOR
    img[ds:ds + len(dirents)] = dirents
    try:
        with open(path, "wb") as f:
            f.write(memoryview(img)[:max(nxt, lay.data_start) * SECTOR])
            f.truncate(image_bytes)
    except OSError as e:
        raise FsError("cannot write %s: %s" % (path, e.strerror or e))


class _Image:
    """A KFS image loaded into memory, with its superblock checked."""

    def __init__(self, path):
        self.path = path
        self.data = _read_host(path)
        if len(self.data) < SECTOR:
            raise FsError("%s is too small to hold a file system" % path)
        magic, version, cnt, fstart, fsecs, dstart, dsecs = _SUPER.unpack_from(self.data, 0)
        if magic != MAGIC:
            raise FsError("%s is not a Kestrel file system (bad magic)" % path)
        if version != VERSION:
            raise FsError("%s has file system version %d, not %d" % (path, version, VERSION))
        if cnt == 0 or cnt * SECTOR > len(self.data):
            raise FsError("%s: superblock claims %d sectors, image has %d"
                          % (path, cnt, len(self.data) // SECTOR))
        if fstart != 1 or fsecs != _div_up(cnt, BITS_PER_SECTOR):
            raise FsError("%s: superblock has a bad free map position" % path)
        if dstart != fstart + fsecs or dsecs == 0 or dstart + dsecs > cnt:
            raise FsError("%s: superblock has a bad directory position" % path)
        self.lay = _Layout(cnt, dsecs)

    def sector(self, n):
        return self.data[n * SECTOR:(n + 1) * SECTOR]

    def freemap(self):
        s = self.lay.freemap_start * SECTOR
        return self.data[s:s + self.lay.freemap_sectors * SECTOR]

    def entries(self):
        """Yields (slot, raw_name_field, inode_sector) of every used directory slot."""
        base = self.lay.dir_start * SECTOR
        for slot in range(self.lay.dir_sectors * DIRENTS_PER_SECTOR):
            raw, ino = _DIRENT.unpack_from(self.data, base + slot * DIRENT_SIZE)
            if ino != 0:
                yield slot, raw, ino

    def inode(self, sector):
        """(length, extents) of the inode at SECTOR, or FsError if it is malformed."""
        if sector < self.lay.data_start or sector >= self.lay.sector_cnt:
            raise FsError("inode sector %d outside the data area" % sector)
        blk = self.sector(sector)
        magic, length, ecnt, _ = _INODE_HEAD.unpack_from(blk, 0)
        if magic != INODE_MAGIC:
            raise FsError("sector %d is not an inode (bad magic)" % sector)
        if ecnt > EXTENT_MAX:
            raise FsError("inode %d has %d extents, more than %d" % (sector, ecnt, EXTENT_MAX))
        extents = [_EXTENT.unpack_from(blk, _INODE_HEAD.size + i * _EXTENT.size) for i in range(ecnt)]
        return length, extents

    def read_file(self, sector):
        length, extents = self.inode(sector)
        out = bytearray()
        for start, count in extents:
            if count == 0 or start < self.lay.data_start or start + count > self.lay.sector_cnt:
                raise FsError("inode %d has an extent outside the data area" % sector)
            out += self.data[start * SECTOR:(start + count) * SECTOR]
        if len(out) < length:
            raise FsError("inode %d: extents hold fewer than its %d bytes" % (sector, length))
        return bytes(out[:length])


def _name_of(raw):
    """Decoded name of a directory name field, or None if the field is malformed."""
    end = raw.find(b"\0")
    if end <= 0 or end > NAME_MAX or any(raw[end:]):
        return None
    return _decode_name(raw[:end])


def list_files(path):
    """[(guest_name, size)] of the files in the image at PATH, in directory order."""
    img = _Image(path)
    out = []
    for slot, raw, ino in img.entries():
        name = _name_of(raw)
        if name is None:
            raise FsError("%s: directory slot %d has a malformed name" % (path, slot))
        length, _ = img.inode(ino)
        out.append((name, length))
    return out


def extract(path, guest_name):
    """Contents of GUEST_NAME in the image at PATH, as bytes."""
    raw = _encode_name(guest_name)
    img = _Image(path)
    for slot, field, ino in img.entries():
        if _name_of(field) is not None and field.rstrip(b"\0") == raw:
            try:
                return img.read_file(ino)
            except FsError as e:
                raise FsError("%s: %s: %s" % (path, guest_name, e))
    raise FsError("%s: no file named %r" % (path, guest_name))


def _ranges(sectors):
    """Sorted SECTORS grouped into (first, last) runs."""
    runs = []
    for s in sorted(sectors):
        if runs and runs[-1][1] == s - 1:
            runs[-1][1] = s
        else:
            runs.append([s, s])
    return [(a, b) for a, b in runs]


def _fmt_run(a, b):
    return "sector %d" % a if a == b else "sectors %d-%d (%d)" % (a, b, b - a + 1)


def check(path):
    """Consistency problems of the image at PATH, one string each; [] if it is clean.
    Checks: superblock; directory names (valid, unique); every entry points at a valid
    inode whose extents lie in the data area and hold exactly its length, with zeros past
    the end of file in its last sector; no sector used twice; the free map marks exactly
    the used sectors (no lost, no falsely free ones)."""
    try:
        img = _Image(path)
    except FsError as e:
        return [str(e)]
    lay = img.lay
    errors = []
    owner = {}
    doubles = {}

    def claim(first, count, who):
        for s in range(first, first + count):
            prev = owner.get(s)
            if prev is None:
                owner[s] = who
            else:
                doubles.setdefault((prev, who), []).append(s)

    claim(0, 1, "superblock")
    claim(lay.freemap_start, lay.freemap_sectors, "free map")
    claim(lay.dir_start, lay.dir_sectors, "directory")

    names = {}
    for slot, raw, ino in img.entries():
        name = _name_of(raw)
        if name is None:
            errors.append("directory slot %d: malformed name %r" % (slot, raw.rstrip(b"\0")))
            label = "slot %d" % slot
        else:
            label = "file %r" % name
            if name in names:
                errors.append("file name %r appears in slots %d and %d" % (name, names[name], slot))
            else:
                names[name] = slot
        if ino < lay.data_start or ino >= lay.sector_cnt:
            errors.append("%s: inode sector %d outside the data area" % (label, ino))
            continue
        claim(ino, 1, label + " inode")
        try:
            length, extents = img.inode(ino)
        except FsError as e:
            errors.append("%s: %s" % (label, e))
            continue
        total = 0
        for i, (start, count) in enumerate(extents):
            if count == 0 or start < lay.data_start or start + count > lay.sector_cnt:
                errors.append("%s: extent %d (%d+%d) outside the data area" % (label, i, start, count))
                continue
            claim(start, count, label + " data")
            total += count
        if length > INT32_MAX:
            errors.append("%s: length %d too large" % (label, length))
        elif total != _sectors_for(length):
            errors.append("%s: length %d needs %d sectors, extents hold %d"
                          % (label, length, _sectors_for(length), total))
        elif length % SECTOR and all(c and s + c <= lay.sector_cnt for s, c in extents):
            start, count = extents[-1]
            last = img.sector(start + count - 1)
            if any(last[length % SECTOR:]):
                errors.append("%s: bytes past the end of file in its last sector are not zero"
                              % label)

    for (a, b), secs in sorted(doubles.items(), key=lambda kv: min(kv[1])):
        for lo, hi in _ranges(secs):
            errors.append("%s used by both %s and %s" % (_fmt_run(lo, hi), a, b))

    bits = img.freemap()
    lost, unmarked = [], []
    for s in range(lay.sector_cnt):
        used = (bits[s // 8] >> (s % 8)) & 1
        if used and s not in owner:
            lost.append(s)
        elif not used and s in owner:
            unmarked.append(s)
    for lo, hi in _ranges(lost):
        errors.append("lost %s: in use in the free map but owned by nothing" % _fmt_run(lo, hi))
    by_owner = {}
    for s in unmarked:
        by_owner.setdefault(owner[s], []).append(s)
    for who, secs in sorted(by_owner.items(), key=lambda kv: kv[1][0]):
        for lo, hi in _ranges(secs):
            errors.append("%s used by %s but free in the free map" % (_fmt_run(lo, hi), who))
    stray = [s for s in range(lay.sector_cnt, len(bits) * 8) if (bits[s // 8] >> (s % 8)) & 1]
    if stray:
        errors.append("free map marks %d sectors past the end of the file system" % len(stray))
    return errors
