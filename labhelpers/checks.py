"""Self-checks: each exercise's check inspects the stream's real state and says, line by line,
what is right (✅) and what is missing (❌).

Every ``check_*`` of the lab is here, by notebook:

==========  ==================================================================================
notebook    checks
==========  ==================================================================================
00, 01      :func:`check_keyed_publish`
02          :func:`check_cursor_starts_at`, :func:`check_latest_sees_only_new`
03          :func:`check_count`
04          :func:`check_event_for_name`
05          :func:`check_group_skipped_backlog`, :func:`check_manual_commit`
06          :func:`check_reassembled`, :func:`check_ordered_publish`
==========  ==================================================================================

Each returns True when everything is right, so tests can assert both ways, and shows its
result as a :class:`~labhelpers.checkreport.CheckReport`: one rich output that the report
and the tests read as structured data (``application/vnd.labhelpers.check+json``) and a
learner reads as HTML, or as the same ✅ / ❌ lines in plain text.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

import oci

from .checkreport import BAD, CHECK_MIME, OK, CheckReport
from .consume import Message, consume
from .encoding import text_or_bytes
from .errors import service_error_line
from .gateway import hello_events
from .groups import group_state
from .workers import GroupInstance

__all__ = [
    "BAD",
    "CHECK_MIME",
    "OK",
    "CheckReport",
    "check_count",
    "check_cursor_starts_at",
    "check_event_for_name",
    "check_group_skipped_backlog",
    "check_keyed_publish",
    "check_latest_sees_only_new",
    "check_manual_commit",
    "check_ordered_publish",
    "check_reassembled",
]

# -- 00 to 03: publishing, cursors, consuming (in labhelpers/checks_intro.py) ---------------------

from .checks_intro import (  # noqa: E402 - grouped with its notebooks' section
    check_count,
    check_cursor_starts_at,
    check_keyed_publish,
    check_latest_sees_only_new,
)

# -- 04: the hello function behind the gateway ------------------------------------------------------


def check_event_for_name(
    client: oci.streaming.StreamClient, stream: Any, name: object, found: object = None
) -> bool:
    """04: a call through the gateway with ``name`` left an event keyed ``name`` in the stream,
    and ``found`` (the learner's message) is that event."""
    report = CheckReport(f"your call to hello left an event keyed {name!r}")
    if not isinstance(name, str) or not name.strip():
        report.expect(False, "", '`my_name` should be the name you sent, as a string (e.g. "Ada").')
        return report.show()
    events = hello_events(client, stream, name)
    if not report.expect(
        bool(events),
        f"the stream holds {len(events)} hello event(s) keyed {name!r}",
        f"no hello event keyed {name!r} in the stream: call invoke_hello(hello, my_name) "
        "(or curl) and check that it answered 200.",
    ):
        return report.show()
    via_http = [e for e in events if e.value.get("via") == "http"]
    report.expect(
        bool(via_http),
        "at least one came through the API Gateway (via http)",
        "they were all direct invokes, not HTTP calls through the gateway: POST to hello.url.",
    )
    report.expect(
        all(e.value.get("name") == name and e.value.get("callId") for e in events),
        "each event's JSON names you and carries the call id",
        "an event's JSON does not match the name or lacks a callId.",
    )
    if not isinstance(found, Message):
        report.expect(
            False,
            "",
            "`my_event` should be the message you found (a labhelpers Message, e.g. "
            "from consume(...) or hello_events(...)).",
        )
    else:
        same = any((e.partition, e.offset) == (found.partition, found.offset) for e in events)
        report.expect(
            same,
            f"`my_event` is your event: partition {found.partition}, offset {found.offset}",
            f"`my_event` (partition {found.partition}, offset {found.offset}) is not a hello event "
            f"keyed {name!r}.",
        )
    return report.show()


# -- 05: consumer groups -------------------------------------------------------------------------------


def check_group_skipped_backlog(
    client: oci.streaming.StreamClient, stream: Any, group: str, batch: object, backlog: Any
) -> bool:
    """05, exercise 1: after UpdateGroup to LATEST, the group reads nothing from before the reset.

    ``backlog`` is the PublishResult of the backlog: no message at or before its offsets may come back.
    """
    report = CheckReport(f"group {group!r} skips its backlog")
    if not isinstance(batch, list):
        report.expect(
            False,
            "",
            "Your answer should be the list of messages your new instance read "
            "after UpdateGroup (e.g. GroupInstance(...).read()).",
        )
        return report.show()
    last: dict[str, int] = {}
    for a in backlog.acks:
        last[a.partition] = max(last.get(a.partition, -1), a.offset)

    def old(messages: list) -> list:
        return [
            m
            for m in messages
            if int(getattr(m, "offset", -1)) <= last.get(str(getattr(m, "partition", "")), -1)
        ]

    report.expect(
        not old(batch),
        "your instance read nothing from the backlog",
        f"your instance read {len(old(batch))} old messages: move the group with UpdateGroup "
        "(type LATEST) before reading.",
    )
    probe = GroupInstance(
        client, stream, group, f"check-{time.monotonic_ns() % 10**6}", limit=10_000
    )
    try:
        seen = probe.read()
    except oci.exceptions.ServiceError as exc:
        report.expect(False, "", f"the check's own read failed: {service_error_line(exc)}")
        return report.show()
    report.expect(
        not old(seen),
        "a new instance of the group finds no backlog either",
        f"a new instance of the group still gets {len(old(seen))} old messages: the group was not moved.",
    )
    return report.show()


def check_manual_commit(
    client: oci.streaming.StreamClient, stream: Any, group: str, batch: object
) -> bool:
    """05, exercise 2: with commitOnGet=false, ConsumerCommit committed exactly the batch read."""
    report = CheckReport(f"a manual commit in group {group!r}")
    if not isinstance(batch, list) or not batch:
        report.expect(
            False,
            "",
            "Your answer should be the (non-empty) list of messages you read before committing.",
        )
        return report.show()
    last: dict[str, int] = {}
    for d in batch:
        p = str(getattr(d, "partition", ""))
        last[p] = max(last.get(p, -1), int(getattr(d, "offset", -1)))
    try:
        state = group_state(client, stream, group)
    except oci.exceptions.ServiceError as exc:
        report.expect(
            False, "", f"GetGroup failed: {service_error_line(exc)}. Is the group name {group!r}?"
        )
        return report.show()
    committed = {str(r.partition): r.committed_offset for r in state.itertuples()}
    for p, off in sorted(last.items()):
        got = committed.get(p, -1)
        report.expect(
            got == off,
            f"partition {p}: committed offset {got}, the last one you read",
            f"partition {p}: committed offset is {got}, you read up to {off}. "
            "Call client.consumer_commit(stream.id, cursor) with the cursor GetMessages returned.",
        )
    return report.show()


# -- 06: limits ---------------------------------------------------------------------------------------


def check_reassembled(original: bytes, answer: object) -> bool:
    """06, exercise 1: the payload read back from the stream equals the one published."""
    report = CheckReport("a payload over 1 MiB, published in chunks and reassembled")
    if not isinstance(answer, bytes | bytearray):
        report.expect(
            False, "", f"Your answer should be the reassembled bytes (got {type(answer).__name__})."
        )
        return report.show()
    report.expect(
        len(answer) == len(original),
        f"{len(answer):,} bytes, as published",
        f"{len(answer):,} bytes, but {len(original):,} were published: a chunk is missing?",
    )
    report.expect(
        hashlib.sha256(answer).digest() == hashlib.sha256(original).digest(),
        "the same bytes (SHA-256 matches)",
        "the bytes differ: are the chunks in order?",
    )
    return report.show()


def check_ordered_publish(
    client: oci.streaming.StreamClient, stream: Any, key: str, count: int, acknowledged: object
) -> bool:
    """06, exercise 2: ``count`` messages with ``key``, values ``"<key> 0"`` ... in order, none lost;
    ``acknowledged`` is the learner's count of acknowledged messages."""
    report = CheckReport(f"{count} messages with key {key!r}, in order, none lost")
    if not isinstance(acknowledged, int) or isinstance(acknowledged, bool):
        report.expect(
            False,
            "",
            f"Your answer should be the number of messages acknowledged "
            f"(an int; got {type(acknowledged).__name__}).",
        )
    else:
        report.expect(
            acknowledged == count,
            f"{acknowledged} acknowledged",
            f"{acknowledged} acknowledged, not {count}: count the entries without an error.",
        )
    stream_id = getattr(stream, "id", stream)
    partitions = [str(p) for p in range(getattr(stream, "partitions", 1))]
    wanted = [f"{key} {i}" for i in range(count)]
    seen = [
        m.value
        for m in consume(
            client, stream_id, partitions=partitions, deserializer=text_or_bytes, limit=10_000
        )
        if m.key == key and isinstance(m.value, str)
    ]
    firsts = [" ".join(v.split(" ")[:2]) for v in seen]  # "<key> <i>", whatever follows
    present = [w for w in wanted if w in set(firsts)]
    report.expect(
        len(present) == count,
        f"all {count} messages are in the stream",
        f"{count - len(present)} of {count} messages are missing: retry throttled entries, "
        "don't drop them.",
    )
    order = [w for w in dict.fromkeys(firsts) if w in set(wanted)]
    if order:  # with nothing in the stream, "missing" above already says it all
        report.expect(
            order == wanted[: len(order)],
            "in the order you sent them",
            "they are out of order: resend the throttled entries before the ones after them.",
        )
    return report.show()
