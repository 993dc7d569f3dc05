"""The bytes of one stored batch: the messages one PutMessages (or one Kafka produce) appended
to one partition, packed so that reading them back costs a few C calls, not a Python object
per field.

Layout (little-endian)::

    u8  version (1)    u8  flags (bit 0: headers, bit 1: producer timestamps)    u16 0
    u32 count
    i32 key_lengths[count]      (-1: no key)
    i32 value_lengths[count]    (-1: no value, a Kafka tombstone)
    i64 create_times[count]     (flag bit 1: the Kafka producer's timestamps, epoch ms)
    i32 header_lengths[count]   (flag bit 0: bytes of each message's encoded headers)
    data: for each message its key, then its value, then (flag bit 0) its headers

Headers (Kafka record headers) of one message: ``u16 n`` then n times ``u16 key length, key
(UTF-8), i32 value length (-1: null), value``.

A batch is immutable once written; offsets are not inside it (the index row says where the
batch starts), so the same bytes serve whichever offset range a reader asks for.

>>> blob = pack([b"k", None], [b"hello", b"world"])
>>> batch = unpack(blob)
>>> batch.count, batch.keys(), batch.values()
(2, [b'k', None], [b'hello', b'world'])
>>> batch.values(1)
[b'world']
"""

from __future__ import annotations

import struct
import sys
from array import array
from collections.abc import Sequence
from itertools import accumulate

VERSION = 1
HAS_HEADERS = 1
HAS_CREATE_TIMES = 2
_HEAD = struct.Struct("<BBHI")
_SWAP = sys.byteorder != "little"

Header = tuple[str, bytes | None]


class CorruptBatch(ValueError):
    """Stored bytes that are not a batch this module wrote (a damaged or foreign file)."""


def _lengths(items: Sequence[bytes | None]) -> array:
    return array("i", [-1 if x is None else len(x) for x in items])


def _tobytes(a: array) -> bytes:
    if _SWAP:  # pragma: no cover - big-endian machines only
        a = array(a.typecode, a)
        a.byteswap()
    return a.tobytes()


def _frombytes(
    typecode: str, blob: bytes | memoryview, start: int, count: int
) -> tuple[array, int]:
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
    pos, out = 2, []
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
    flags = 0
    parts = [b"", _tobytes(_lengths(keys)), _tobytes(_lengths(values))]
    if create_times is not None:
        flags |= HAS_CREATE_TIMES
        parts.append(_tobytes(array("q", create_times)))
    encoded_headers: list[bytes] = []
    if headers is not None and any(headers):
        flags |= HAS_HEADERS
        encoded_headers = [encode_headers(h) for h in headers]
        parts.append(_tobytes(_lengths(encoded_headers)))
    parts[0] = _HEAD.pack(VERSION, flags, 0, count)
    if flags & HAS_HEADERS:
        for k, v, h in zip(keys, values, encoded_headers, strict=True):
            parts += (k or b"", v or b"", h)
    else:
        for k, v in zip(keys, values, strict=True):
            if k:
                parts.append(k)
            if v:
                parts.append(v)
    return b"".join(parts)


class Batch:
    """A packed batch, read back.  Lists come out per field, from message ``start`` on."""

    __slots__ = ("count", "flags", "_blob", "_klen", "_vlen", "_ctime", "_hlen", "_starts")

    def __init__(self, blob: bytes) -> None:
        if len(blob) < _HEAD.size:
            raise CorruptBatch("batch is shorter than its header")
        version, self.flags, _, self.count = _HEAD.unpack_from(blob, 0)
        if version != VERSION:
            raise CorruptBatch(f"unknown batch version {version}")
        pos = _HEAD.size
        self._klen, pos = _frombytes("i", blob, pos, self.count)
        self._vlen, pos = _frombytes("i", blob, pos, self.count)
        self._ctime = None
        self._hlen = None
        if self.flags & HAS_CREATE_TIMES:
            self._ctime, pos = _frombytes("q", blob, pos, self.count)
        if self.flags & HAS_HEADERS:
            self._hlen, pos = _frombytes("i", blob, pos, self.count)
        self._blob = blob
        # Where each message's key starts: one running sum over all the lengths.
        if self._hlen is None:
            sizes = [max(k, 0) + max(v, 0) for k, v in zip(self._klen, self._vlen, strict=True)]
        else:
            sizes = [
                max(k, 0) + max(v, 0) + h
                for k, v, h in zip(self._klen, self._vlen, self._hlen, strict=True)
            ]
        self._starts = list(accumulate(sizes, initial=pos))
        if self._starts[-1] != len(blob):
            raise CorruptBatch("batch length does not match its lengths")

    def keys(self, start: int = 0, stop: int | None = None) -> list[bytes | None]:
        blob, starts = self._blob, self._starts
        return [
            None if n < 0 else blob[starts[i] : starts[i] + n]
            for i, n in enumerate(self._klen[start:stop], start)
        ]

    def values(self, start: int = 0, stop: int | None = None) -> list[bytes | None]:
        blob, starts, klen = self._blob, self._starts, self._klen
        out = []
        for i, n in enumerate(self._vlen[start:stop], start):
            if n < 0:
                out.append(None)
            else:
                at = starts[i] + max(klen[i], 0)
                out.append(blob[at : at + n])
        return out

    def sizes(self, start: int = 0, stop: int | None = None) -> list[int]:
        """Bytes of key plus value per message (what OCI's size limits count)."""
        return [
            max(k, 0) + max(v, 0)
            for k, v in zip(self._klen[start:stop], self._vlen[start:stop], strict=True)
        ]

    def create_times(self, start: int = 0, stop: int | None = None) -> list[int] | None:
        return None if self._ctime is None else list(self._ctime[start:stop])

    def headers(self, start: int = 0, stop: int | None = None) -> list[list[Header]]:
        if self._hlen is None:
            return [[] for _ in range(len(self._vlen[start:stop]))]
        out = []
        for i, n in enumerate(self._hlen[start:stop], start):
            at = self._starts[i] + max(self._klen[i], 0) + max(self._vlen[i], 0)
            out.append(decode_headers(self._blob[at : at + n]))
        return out


def unpack(blob: bytes) -> Batch:
    return Batch(blob)
