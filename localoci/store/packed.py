"""The bytes of one stored batch: the messages one PutMessages (or one Kafka produce) appended
to one partition, packed so that reading any run of them back costs a few C calls and reads
only their own bytes, however big the batch.

Layout (little-endian)::

    head    u8 version (1), u8 flags (bit 0: headers, bit 1: producer timestamps), u16 0,
            u32 count
    meta    i32 key_lengths[count]      (-1: no key)
            i32 value_lengths[count]    (-1: no value, a Kafka tombstone)
            u32 ends[count]             (where each message's data ends, from the data start)
            i64 create_times[count]     (flag bit 1: the Kafka producer's timestamps, epoch ms)
            i32 header_lengths[count]   (flag bit 0: bytes of each message's encoded headers)
    data    for each message its key, then its value, then (flag bit 0) its headers

Headers (Kafka record headers) of one message: ``u16 n`` then n times ``u16 key length, key
(UTF-8), i32 value length (-1: null), value``.

A reader takes the head, then the meta, then only the data of the messages it wants
(:func:`read_view`).  A batch is immutable once written; offsets are not inside it (the index
row says where the batch starts), so the same bytes serve whichever offsets a reader asks for.

>>> blob = pack([b"k", None], [b"hello", b"world"])
>>> view = unpack(blob)
>>> view.count, view.keys(), view.values()
(2, [b'k', None], [b'hello', b'world'])
>>> read_view(lambda at, n: blob[at:at + n], 1, 2).values()
[b'world']
"""

from __future__ import annotations

import struct
import sys
from array import array
from collections.abc import Callable, Sequence
from itertools import accumulate

VERSION = 1
HAS_HEADERS = 1
HAS_CREATE_TIMES = 2
HEAD = struct.Struct("<BBHI")
_SWAP = sys.byteorder != "little"

Header = tuple[str, bytes | None]
ReadAt = Callable[[int, int], bytes]  # (position within the batch, length) -> bytes


class CorruptBatch(ValueError):
    """Stored bytes that are not a batch this module wrote (a damaged or foreign file)."""


def _tobytes(a: array) -> bytes:
    if _SWAP:  # pragma: no cover - big-endian machines only
        a = array(a.typecode, a)
        a.byteswap()
    return a.tobytes()


def _array(typecode: str, blob: bytes, start: int, count: int) -> tuple[array, int]:
    a = array(typecode)
    end = start + a.itemsize * count
    if end > len(blob):
        raise CorruptBatch("batch is shorter than its header says")
    a.frombytes(blob[start:end])
    if _SWAP:  # pragma: no cover
        a.byteswap()
    return a, end


def encode_headers(headers: Sequence[Header]) -> bytes:
    parts = [struct.pack("<H", len(headers))]
    for key, value in headers:
        k = key.encode()
        parts.append(struct.pack("<H", len(k)) + k)
        parts.append(
            struct.pack("<i", -1) if value is None else struct.pack("<i", len(value)) + value
        )
    return b"".join(parts)


def decode_headers(blob: bytes) -> list[Header]:
    (n,) = struct.unpack_from("<H", blob, 0)
    pos = 2
    out: list[Header] = []
    for _ in range(n):
        (klen,) = struct.unpack_from("<H", blob, pos)
        key = blob[pos + 2 : pos + 2 + klen].decode()
        pos += 2 + klen
        (vlen,) = struct.unpack_from("<i", blob, pos)
        pos += 4
        if vlen < 0:
            out.append((key, None))
        else:
            out.append((key, blob[pos : pos + vlen]))
            pos += vlen
    return out


def pack(
    keys: Sequence[bytes | None],
    values: Sequence[bytes | None],
    create_times: Sequence[int] | None = None,
    headers: Sequence[Sequence[Header]] | None = None,
) -> bytes:
    """Pack one batch.  ``keys`` and ``values`` have one entry per message, in offset order."""
    count = len(values)
    if len(keys) != count:
        raise ValueError("one key (or None) per value")
    klen = [-1 if k is None else len(k) for k in keys]
    vlen = [-1 if v is None else len(v) for v in values]
    flags = 0
    encoded: list[bytes] = []
    if headers is not None and any(headers):
        flags |= HAS_HEADERS
        encoded = [encode_headers(h) for h in headers]
        sizes = [
            max(k, 0) + max(v, 0) + len(h) for k, v, h in zip(klen, vlen, encoded, strict=True)
        ]
    else:
        sizes = [max(k, 0) + max(v, 0) for k, v in zip(klen, vlen, strict=True)]
    if create_times is not None:
        flags |= HAS_CREATE_TIMES
    parts = [
        HEAD.pack(VERSION, flags, 0, count),
        _tobytes(array("i", klen)),
        _tobytes(array("i", vlen)),
        _tobytes(array("I", accumulate(sizes))),
    ]
    if create_times is not None:
        parts.append(_tobytes(array("q", create_times)))
    if flags & HAS_HEADERS:
        parts.append(_tobytes(array("i", [len(h) for h in encoded])))
        for k, v, h in zip(keys, values, encoded, strict=True):
            parts += (k or b"", v or b"", h)
    else:
        for k, v in zip(keys, values, strict=True):
            if k:
                parts.append(k)
            if v:
                parts.append(v)
    return b"".join(parts)


def meta_size(count: int, flags: int) -> int:
    """Bytes of head plus meta of a batch of ``count`` messages with ``flags``."""
    per = 12 + (8 if flags & HAS_CREATE_TIMES else 0) + (4 if flags & HAS_HEADERS else 0)
    return HEAD.size + per * count


class Meta:
    """A batch's head and meta: every message's lengths, and where its data is."""

    __slots__ = ("count", "flags", "klen", "vlen", "ends", "ctime", "hlen", "size")

    def __init__(self, blob: bytes) -> None:
        if len(blob) < HEAD.size:
            raise CorruptBatch("batch is shorter than its header")
        version, self.flags, _, self.count = HEAD.unpack_from(blob, 0)
        if version != VERSION:
            raise CorruptBatch(f"unknown batch version {version}")
        self.size = meta_size(self.count, self.flags)
        pos = HEAD.size
        self.klen, pos = _array("i", blob, pos, self.count)
        self.vlen, pos = _array("i", blob, pos, self.count)
        self.ends, pos = _array("I", blob, pos, self.count)
        self.ctime: array | None = None
        self.hlen: array | None = None
        if self.flags & HAS_CREATE_TIMES:
            self.ctime, pos = _array("q", blob, pos, self.count)
        if self.flags & HAS_HEADERS:
            self.hlen, pos = _array("i", blob, pos, self.count)

    def data_range(self, start: int, stop: int) -> tuple[int, int]:
        """Where the data of messages ``start .. stop-1`` is, from the data start."""
        return (self.ends[start - 1] if start else 0), (self.ends[stop - 1] if stop else 0)

    def sizes(self, start: int, stop: int) -> list[int]:
        """Bytes of key plus value per message (what OCI's size limits count)."""
        return [
            max(k, 0) + max(v, 0)
            for k, v in zip(self.klen[start:stop], self.vlen[start:stop], strict=True)
        ]


class View:
    """Messages ``start .. stop-1`` of a batch: its meta, and the data of just those messages.
    Lists come out per field, in offset order."""

    __slots__ = ("meta", "data", "start", "stop", "_base")

    def __init__(self, meta: Meta, data: bytes, start: int, stop: int) -> None:
        if not 0 <= start <= stop <= meta.count:
            raise ValueError(f"messages {start}..{stop} of a batch of {meta.count}")
        self.meta, self.data, self.start, self.stop = meta, data, start, stop
        self._base = meta.data_range(start, stop)[0]
        if len(data) != meta.data_range(start, stop)[1] - self._base:
            raise CorruptBatch("batch data is shorter than its lengths say")

    @property
    def count(self) -> int:
        return self.stop - self.start

    def _starts(self) -> list[int]:
        """Where each message's data starts, within ``self.data``."""
        if not self.count:
            return []
        base = self._base
        return [0] + [end - base for end in self.meta.ends[self.start : self.stop - 1]]

    def keys(self) -> list[bytes | None]:
        data = self.data
        return [
            None if n < 0 else data[at : at + n]
            for at, n in zip(self._starts(), self.meta.klen[self.start : self.stop], strict=True)
        ]

    def values(self) -> list[bytes | None]:
        data, m = self.data, self.meta
        return [
            None if n < 0 else data[at + max(k, 0) : at + max(k, 0) + n]
            for at, k, n in zip(
                self._starts(),
                m.klen[self.start : self.stop],
                m.vlen[self.start : self.stop],
                strict=True,
            )
        ]

    def sizes(self) -> list[int]:
        """Bytes of key plus value per message (what OCI's size limits count)."""
        return self.meta.sizes(self.start, self.stop)

    def create_times(self) -> list[int] | None:
        return None if self.meta.ctime is None else list(self.meta.ctime[self.start : self.stop])

    def headers(self) -> list[list[Header]]:
        m = self.meta
        if m.hlen is None:
            return [[] for _ in range(self.count)]
        out = []
        for at, k, v, n in zip(
            self._starts(),
            m.klen[self.start : self.stop],
            m.vlen[self.start : self.stop],
            m.hlen[self.start : self.stop],
            strict=True,
        ):
            h = at + max(k, 0) + max(v, 0)
            out.append(decode_headers(self.data[h : h + n]))
        return out


def read_meta(read_at: ReadAt) -> Meta:
    """The meta of the batch that ``read_at(position, length)`` reads from (two small reads)."""
    head = read_at(0, HEAD.size)
    if len(head) < HEAD.size:
        raise CorruptBatch("batch is shorter than its header")
    _, flags, _, count = HEAD.unpack(head)
    return Meta(read_at(0, meta_size(count, flags)))


def read_data(read_at: ReadAt, meta: Meta, start: int, stop: int) -> View:
    """Messages ``start .. stop-1``, reading only their data."""
    lo, hi = meta.data_range(start, stop)
    return View(meta, read_at(meta.size + lo, hi - lo), start, stop)


def read_view(read_at: ReadAt, start: int, stop: int) -> View:
    """Messages ``start .. stop-1`` of the batch that ``read_at`` reads from: the head, the
    meta, then only those messages' data."""
    return read_data(read_at, read_meta(read_at), start, stop)


def unpack(blob: bytes) -> View:
    """All the messages of a packed batch (checks that its length matches its meta)."""
    meta = Meta(blob)
    lo, hi = meta.data_range(0, meta.count)
    if meta.size + hi != len(blob):
        raise CorruptBatch("batch length does not match its lengths")
    return View(meta, blob[meta.size + lo : meta.size + hi], 0, meta.count)
