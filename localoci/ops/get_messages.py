"""GetMessages: read from a cursor; the response header ``opc-next-cursor`` says where to go on.

* ``limit`` 1..10000 (default 10000, "as many as possible"), and at most 8 MiB of keys and
  values per response (at least one message); an empty batch is ``[]`` with a
  next cursor all the same.  No long-poll: the answer is immediate.
* Partition cursors read from their position; a position behind the retention horizon is
  400 "The cursor is outside the retention period and is now invalid."
* Group cursors read the partitions the instance holds (after a rebalance).  ``limit`` is
  first shared evenly among them; what a partition with fewer messages leaves unused goes to
  the partitions that have more, starting with a different partition each call (the cursor
  carries where), so one busy partition fills the batch without starving the others.  With
  ``commitOnGet`` (default) the offsets the same instance received last time are committed
  first; otherwise the cursor carries them until ConsumerCommit.
* At most 5 calls per second per partition per consumer group (partition cursors count as
  one group per partition): beyond that, 429 "... next request can be made in N ms".
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass

from .. import cursors, errors, groups
from ..service import Service
from ..store import Slice, StoredMessage
from ..timefmt import format_ms
from ._validate import query_int
from .create_cursor import partition_cursor
from .create_group_cursor import group_cursor

# At most this many bytes of keys and values per response (at least one message): with 1 MiB
# messages a default limit of 10000 would otherwise build a response of gigabytes in memory.
MAX_BATCH_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class MessageBatch:
    """What GetMessages returns: messages of one stream, in the order read, as slices of the
    stored batches of each partition (``(partition, slice)``).

    It owns its wire shape.  ``to_json`` writes the JSON array directly from the stored bytes
    (base64 in C, one timestamp string per batch): a response of 10,000 messages is most of the
    work localoci does for a consumer, so it builds no object per message.
    """

    stream_name: str
    parts: list[tuple[int, Slice]]

    def __len__(self) -> int:
        return sum(sl.count for _, sl in self.parts)

    @property
    def messages(self) -> list[StoredMessage]:
        """The messages as plain records (for tests and in-process callers)."""
        return list(self._messages())

    def _messages(self) -> Iterator[StoredMessage]:
        for p, sl in self.parts:
            for offset, key, value in zip(
                range(sl.first_offset, sl.first_offset + sl.count),
                sl.keys(),
                sl.values(),
                strict=True,
            ):
                yield StoredMessage(p, offset, sl.ts, key, value if value is not None else b"")

    @property
    def last_offsets(self) -> dict[int, int]:
        """The last offset read in each partition."""
        return {p: sl.first_offset + sl.count - 1 for p, sl in self.parts if sl.count}

    def to_wire(self) -> list[dict]:
        return [
            {
                "stream": self.stream_name,
                "partition": str(m.partition),
                "key": base64.b64encode(m.key).decode() if m.key is not None else None,
                "value": base64.b64encode(m.value).decode(),
                "offset": m.offset,
                "timestamp": format_ms(m.ts),
            }
            for m in self._messages()
        ]

    def to_json(self) -> bytes:
        b2a = binascii.b2a_base64
        name = json.dumps(self.stream_name, ensure_ascii=False).encode()
        parts: list[bytes] = []
        for p, sl in self.parts:
            head = b'{"stream":%s,"partition":"%d","key":' % (name, p)
            tail_ts = format_ms(sl.ts).encode()
            offset = sl.first_offset
            for key, value in zip(sl.keys(), sl.values(), strict=True):
                parts.append(
                    b'%s%s,"value":"%s","offset":%d,"timestamp":"%s"}'
                    % (
                        head,
                        b"null" if key is None else b'"' + b2a(key, newline=False) + b'"',
                        b"" if value is None else b2a(value, newline=False),
                        offset,
                        tail_ts,
                    )
                )
                offset += 1
        return b"[" + b",".join(parts) + b"]"


def _throttle(wait_ms: int) -> errors.OciError:
    return errors.too_many_requests(
        "the limit of 5 GetMessages calls per second per partition per consumer group was exceeded",
        wait_ms,
    )


def get_messages(svc: Service, stream_id: str, query: dict) -> tuple[MessageBatch, str]:
    stream = svc.data_stream(stream_id)
    limit = query_int(query, "limit", 1, svc.limits.max_get_limit, default=svc.limits.max_get_limit)
    doc = cursors.decode(query.get("cursor"), svc.secret, svc.clock.now_ms(), stream.id)
    if doc.get("cursorType") == "group":
        return _group_get(svc, stream, doc, limit)
    return _partition_get(svc, stream, doc, limit)


def _partition_get(svc: Service, stream, doc: dict, limit: int) -> tuple[MessageBatch, str]:
    store = svc.store
    try:
        p = int(doc["partition"])
        if not 0 <= p < stream.partitions:
            raise ValueError
    except (KeyError, TypeError, ValueError):
        raise errors.cursor_invalid() from None
    log = store.log
    trim = log.trim_offset(stream.id, p)
    kind = doc.get("type")
    if kind == "TrimHorizon":
        start = trim
    elif kind == "AtTime":
        start = log.first_offset_at_time(stream.id, p, int(doc["time"]))
    elif kind == "AtOffset":
        start = int(doc["offset"])
        if start < trim:
            raise errors.cursor_outside_retention()
    else:
        raise errors.cursor_invalid()
    wait = svc.rates.take_read(stream.id, "", [p])
    if wait:
        svc.count("gets_throttled")
        raise _throttle(wait)
    batch = MessageBatch(
        stream.name, [(p, sl) for sl in log.read(stream.id, p, start, limit, MAX_BATCH_BYTES)]
    )
    svc.count("gets")
    svc.count("messages_got", len(batch))
    if batch.parts:
        nxt = partition_cursor(svc, stream.id, p, "AtOffset", batch.last_offsets[p] + 1)
    elif kind == "AtOffset":
        nxt = partition_cursor(svc, stream.id, p, "AtOffset", start)
    else:
        # Nothing yet: keep the position lazy (a TRIM_HORIZON or AT_TIME cursor stays one).
        nxt = partition_cursor(svc, stream.id, p, kind, doc.get("offset"), doc.get("time"))
    return batch, nxt


def _group_get(svc: Service, stream, doc: dict, limit: int) -> tuple[MessageBatch, str]:
    store = svc.store
    name, instance = doc.get("groupName"), doc.get("instanceName")
    if not isinstance(name, str) or not isinstance(instance, str):
        raise errors.cursor_invalid()
    if groups.find(svc, stream.id, name) is None:
        raise errors.cursor_invalid()
    commit_on_get = bool(doc.get("commitOnGet", True))
    timeout_ms = int(doc.get("timeoutInMs") or svc.limits.default_group_timeout_ms)
    with store.tx():
        if commit_on_get:
            groups.commit(svc, stream, doc, strict=False)
        groups.touch(svc, stream, name, instance, timeout_ms)
        groups.rebalance(svc, stream, name)
        mine = groups.reserved(svc, stream.id, name, instance)
    wait = svc.rates.take_read(stream.id, name, mine)
    if wait:
        svc.count("gets_throttled")
        raise _throttle(wait)
    group = groups.find(svc, stream.id, name)
    if group is None:  # deleted (with its stream) since the check above
        raise errors.cursor_invalid()
    same_generation = group.generation == doc.get("generation", 0)
    pending = {} if commit_on_get or not same_generation else dict(doc.get("offsets") or {})
    pending = {k: v for k, v in pending.items() if int(k) in mine}
    starts = {}
    for p in mine:
        start = groups.start_position(svc, stream, group, p)
        if str(p) in pending:
            start = max(start, int(pending[str(p)]) + 1)
        if start < store.log.trim_offset(stream.id, p):
            raise errors.cursor_outside_retention()
        starts[p] = start
    rotation = int(doc.get("rotation") or 0)
    parts = _fill(svc, stream.id, starts, limit, rotation)
    batch = MessageBatch(stream.name, parts)
    for p, last in batch.last_offsets.items():
        pending[str(p)] = last
    svc.count("gets")
    svc.count("messages_got", len(batch))
    nxt = group_cursor(
        svc, stream.id, name, instance, commit_on_get, timeout_ms, pending, rotation + 1
    )
    return batch, nxt


def _fill(
    svc: Service, stream_id: str, starts: dict[int, int], limit: int, rotation: int
) -> list[tuple[int, Slice]]:
    """Read up to ``limit`` messages (and ``MAX_BATCH_BYTES``) from the partitions in
    ``starts``: an even share each first, then what is left, to the partitions that still have
    messages, beginning at position ``rotation`` (mod their number) so no partition always
    comes last."""
    log = svc.store.log
    mine = sorted(starts)
    if not mine:
        return []
    share = max(1, limit // len(mine))
    left, budget = limit, MAX_BATCH_BYTES
    read: dict[int, list[Slice]] = {p: [] for p in mine}
    position = dict(starts)
    order = mine[rotation % len(mine) :] + mine[: rotation % len(mine)]
    for rounds in (0, 1):
        for p in order:
            room = min(left, share) if rounds == 0 else left
            if room <= 0 or budget <= 0:
                break
            if position[p] >= log.next_offset(stream_id, p):
                continue
            got = log.read(stream_id, p, position[p], room, budget)
            for sl in got:
                read[p].append(sl)
                left -= sl.count
                budget -= sum(sl.sizes())
                position[p] = sl.first_offset + sl.count
    return [(p, sl) for p in mine for sl in read[p]]
