"""Segment files: where the bytes of stored batches live.  The SQLite index says which bytes
are a batch; this module only writes, reads, syncs and deletes files.

One folder per stream, ``<root>/<stream id>/``, holding segment files named by a number that
only grows (``00000000000000000000.seg``, ...).  The batches of all of a stream's partitions
go into its newest segment in the order they are appended, so one PutMessages (which can touch
every partition) is one file to sync, and retention (one horizon per stream, in append order)
empties the oldest segments first.  A batch is written with ``pwrite`` at a position the
caller tracks (the end of the last *indexed* batch), so bytes left by a write whose
transaction then failed are simply overwritten by the next one.  A segment is closed for
writing once it passes ``segment_bytes``; the next batch starts a new one.

Crash safety, together with the index in the store:

1. the batch's bytes are written; before the transaction commits, every file written in it
   is flushed to the disk (``fdatasync``) when ``durability="full"``;
2. then the index row is committed in SQLite;
3. only then is the message acknowledged.

A SIGKILL between 1 and 2 leaves unindexed bytes after the end the index knows: harmless,
and cut off by :meth:`Segments.recover`.  Deleting works the other way round: index rows
first, files after, and :meth:`Segments.recover` removes files the index no longer names.
(A SIGKILL needs no ``fdatasync``: written bytes are in the kernel's page cache.  It is for
power loss, as SQLite's ``synchronous=FULL`` is.)  Nothing is memory-mapped, so the server's
memory does not grow with the data it holds.
"""

from __future__ import annotations

import builtins
import os
import shutil
from collections import OrderedDict
from pathlib import Path

SEGMENT_BYTES = 64 * 1024 * 1024
MAX_OPEN_FILES = 128
SUFFIX = ".seg"


class Segments:
    def __init__(
        self, root: Path, durability: str = "full", segment_bytes: int = SEGMENT_BYTES
    ) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.sync = durability == "full"
        self.segment_bytes = segment_bytes
        self._fds: OrderedDict[tuple[str, int], int] = OrderedDict()
        self._dirty: set[tuple[str, int]] = set()

    # -- paths and files -----------------------------------------------------------------------

    def path(self, stream_id: str, segment: int) -> Path:
        return self.root / stream_id / f"{segment:020d}{SUFFIX}"

    def _fd(self, stream_id: str, segment: int, create: bool = False) -> int:
        key = (stream_id, segment)
        fd = self._fds.get(key)
        if fd is not None:
            self._fds.move_to_end(key)
            return fd
        path = self.path(stream_id, segment)
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | (os.O_CREAT if create else 0), 0o600)
        self._fds[key] = fd
        while len(self._fds) > MAX_OPEN_FILES:
            old_key, old = self._fds.popitem(last=False)
            if old_key in self._dirty:  # written in the current transaction: sync it now
                if self.sync:
                    os.fdatasync(old)
                self._dirty.discard(old_key)
            os.close(old)
        return fd

    def _close(self, stream_id: str, segment: int | None = None) -> None:
        for key in [k for k in self._fds if k[0] == stream_id and segment in (None, k[1])]:
            os.close(self._fds.pop(key))
            self._dirty.discard(key)

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()
        self._dirty.clear()

    # -- writing and reading -------------------------------------------------------------------

    def place(self, segment: int | None, end: int, size: int) -> tuple[int, int]:
        """Where a batch of ``size`` bytes goes, given the newest segment and its indexed end:
        ``(segment, position)``.  A new segment starts when the newest one is full."""
        if segment is None:
            return 0, 0
        if end > 0 and end + size > self.segment_bytes:
            return segment + 1, 0
        return segment, end

    def write(self, stream_id: str, segment: int, position: int, data: bytes) -> None:
        """Write ``data`` at ``position`` of ``segment``; :meth:`flush` makes it durable."""
        fd = self._fd(stream_id, segment, create=True)
        view = memoryview(data)
        while view:
            n = os.pwrite(fd, view, position)
            view, position = view[n:], position + n
        self._dirty.add((stream_id, segment))

    def flush(self) -> None:
        """Sync every file written since the last flush (at ``durability="full"``)."""
        if self.sync:
            for key in self._dirty:
                fd = self._fds.get(key)
                if fd is not None:
                    os.fdatasync(fd)
        self._dirty.clear()

    def read(self, stream_id: str, segment: int, position: int, length: int) -> bytes:
        fd = self._fd(stream_id, segment)
        data = os.pread(fd, length, position)
        if len(data) != length:
            raise OSError(f"segment {self.path(stream_id, segment)} is shorter than its index says")
        return data

    # -- deleting ------------------------------------------------------------------------------

    def delete_segments(self, stream_id: str, keep_from: int) -> int:
        """Delete the stream's segments numbered below ``keep_from``; return how many."""
        gone = 0
        for segment in self.list(stream_id):
            if segment < keep_from:
                self._close(stream_id, segment)
                self.path(stream_id, segment).unlink(missing_ok=True)
                gone += 1
        return gone

    def drop_stream(self, stream_id: str) -> None:
        self._close(stream_id)
        shutil.rmtree(self.root / stream_id, ignore_errors=True)

    def drop_all(self) -> None:
        self.close()
        for child in self.root.iterdir():
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)

    # -- recovery ------------------------------------------------------------------------------

    def list(self, stream_id: str) -> list[int]:
        try:
            names = os.listdir(self.root / stream_id)
        except FileNotFoundError:
            return []
        return sorted(
            int(n[: -len(SUFFIX)])
            for n in names
            if n.endswith(SUFFIX) and n[: -len(SUFFIX)].isdigit()
        )

    # builtins.list: inside this class, ``list`` names the method above.
    def streams_on_disk(self) -> builtins.list[str]:
        return sorted(p.name for p in self.root.iterdir() if p.is_dir())

    def recover(self, indexed: dict[str, tuple[int, int, int]]) -> int:
        """Make the files match the index after a crash.

        ``indexed`` maps each stream that holds batches to ``(first segment, newest segment,
        end of the newest segment's last batch)``.  Folders of streams the index does not
        name, segments outside the range, and bytes after the newest segment's end are
        removed.  Returns the bytes reclaimed.
        """
        reclaimed = 0
        for sid in self.streams_on_disk():
            if sid not in indexed:
                reclaimed += _size(self.root / sid)
                self.drop_stream(sid)
                continue
            first, newest, end = indexed[sid]
            for segment in self.list(sid):
                path = self.path(sid, segment)
                size = path.stat().st_size
                if segment < first or segment > newest:
                    reclaimed += size
                    self._close(sid, segment)
                    path.unlink()
                elif segment == newest and size > end:
                    reclaimed += size - end
                    os.truncate(path, end)
        return reclaimed


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
