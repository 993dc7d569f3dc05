"""The checks of notebooks 00 to 03 (publishing, cursors, consuming); :mod:`labhelpers.checks`
re-exports them beside the others.

Each passes only on evidence of the learner's own action: messages published after a
:class:`~labhelpers.marks.Mark` taken just before the exercise, the cursor type that was asked
for (:class:`~labhelpers.consume.Cursor` remembers it; the cursor's value is opaque), messages
that really came back from the service (compared with what the stream stores), a count equal
to what the partition holds now.  A wrong answer gets ❌ lines saying what is missing and how
to fix it, never a traceback: every argument is type-checked first.
"""

from __future__ import annotations

import time
from collections import defaultdict

import oci

from .checkreport import CheckReport
from .consume import Cursor, consume
from .encoding import b64decode, text_or_bytes
from .errors import service_error_line
from .limits import wait_ms
from .marks import Mark, messages_since

__all__ = [
    "check_count",
    "check_cursor_starts_at",
    "check_keyed_publish",
    "check_latest_sees_only_new",
]


_RUN_THE_MARK = (
    "No mark from before the exercise: run the cell `before = mark(client, stream)` above the "
    "exercise, then your answer, then this check."
)


def _get_once(client, stream_id: str, cursor: str, limit: int = 1) -> list:
    """One GetMessages, waiting out a 429 (the learner's cells may just have used the
    partition's 5 calls a second)."""
    for attempt in range(5):
        try:
            return client.get_messages(stream_id, cursor, limit=limit).data
        except oci.exceptions.ServiceError as exc:
            if exc.status != 429 or attempt == 4:
                raise
            time.sleep(wait_ms(exc.message) / 1000)
    return []


def _is_mark(since: object, stream) -> bool:
    return isinstance(since, Mark) and since.stream_id == getattr(stream, "id", None)


def check_keyed_publish(
    client: oci.streaming.StreamClient,
    stream,
    keys: object,
    at_least: int = 3,
    since: object = None,
    distinct: int = 1,
) -> bool:
    """00, 01: ``distinct`` keys or more, each with ``at_least`` messages published **after the
    mark** ``since``, and every key's messages in one partition.  Messages the lesson published
    (before the mark) do not count, so reusing the lesson's keys is not an answer."""
    report = CheckReport(f"messages you published with keys {keys!r}")
    if not isinstance(keys, list | tuple) or not all(isinstance(k, str) and k for k in keys):
        report.expect(
            False,
            "",
            'Your keys should be a list of non-empty strings, e.g. ["alpha", "beta"]: the '
            "keys you published with.",
        )
        return report.show()
    if not _is_mark(since, stream):
        report.expect(False, "", _RUN_THE_MARK)
        return report.show()
    if not report.expect(
        len(set(keys)) >= distinct,
        f"{len(set(keys))} different key(s)",
        f"{len(set(keys))} different key(s) given, the exercise asks for {distinct}: choose "
        f"{distinct} keys and publish with each.",
    ):
        return report.show()
    by_key: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    for m in messages_since(client, stream, since):  # type: ignore[arg-type]  # checked above
        if isinstance(m.key, str) and m.key in keys:
            by_key[m.key].add(m.partition)
            counts[m.key] += 1
    for k in dict.fromkeys(keys):
        report.expect(
            counts[k] >= at_least,
            f"key {k!r}: {counts[k]} message(s) published since the mark",
            f"key {k!r}: {counts[k]} message(s) published since the mark, expected at least "
            f"{at_least}. Messages from the lesson don't count: publish {at_least} with "
            f"key={k!r} in the exercise cell, then run this check.",
        )
        if counts[k]:
            report.expect(
                len(by_key[k]) == 1,
                f"key {k!r}: all in partition {sorted(by_key[k])[0]}",
                f"key {k!r} is spread over partitions {sorted(by_key[k])}: that cannot happen "
                "with one stream.",
            )
    return report.show()


def check_cursor_starts_at(
    client: oci.streaming.StreamClient,
    stream,
    cursor: object,
    partition: str,
    offset: int,
    type: str = "AFTER_OFFSET",  # noqa: A002 - the API's own name
) -> bool:
    """02: the learner's cursor is of ``type`` (made with :func:`create_cursor`, which keeps
    the type it asked for) and its first message is ``offset`` in ``partition``."""
    report = CheckReport(
        f"a {type} cursor whose first message is offset {offset} of partition {partition}"
    )
    if not isinstance(cursor, str) or not cursor:
        report.expect(
            False,
            "",
            f"Your answer is not a cursor: assign what create_cursor(client, stream.id, partition, "
            f'"{type}", offset=...) returns.',
        )
        return report.show()
    if not isinstance(cursor, Cursor):
        report.expect(
            False,
            "",
            "A cursor value alone does not say its type (it is opaque): make it with "
            f'create_cursor(client, stream.id, partition, "{type}", offset=...), which keeps the type.',
        )
        return report.show()
    right_type = report.expect(
        cursor.type == type,
        f"it is an {type} cursor",
        f"it is an {cursor.type} cursor, the exercise asks for {type}. "
        + (
            f"AFTER_OFFSET n starts at n + 1: use offset={offset - 1}."
            if type == "AFTER_OFFSET"
            else f'Create it with type "{type}".'
        ),
    )
    try:
        batch = _get_once(client, stream.id, cursor)
    except oci.exceptions.ServiceError as exc:
        report.expect(False, "", f"GetMessages refused the cursor: {service_error_line(exc)}")
        return report.show()
    if report.expect(bool(batch), "the cursor returns messages", "the cursor returned no messages"):
        first = batch[0]
        report.expect(
            first.partition == str(partition),
            f"it reads partition {partition}",
            f"it reads partition {first.partition}, not {partition}: pass partition={partition!r}.",
        )
        report.expect(
            first.offset == offset,
            f"its first message is offset {offset}",
            f"its first message is offset {first.offset}, not {offset}."
            + (" AFTER_OFFSET n starts at n + 1." if right_type and type == "AFTER_OFFSET" else ""),
        )
    return report.show()


def _value(m: object) -> object:
    if isinstance(m, oci.streaming.models.Message):
        return text_or_bytes(b64decode(m.value) or b"")
    return getattr(m, "value", None)


def check_latest_sees_only_new(
    client: oci.streaming.StreamClient,
    stream,
    messages: object,
    marker: str,
    since: object = None,
    cursor: object = None,
) -> bool:
    """02: the messages a LATEST cursor returned: read from the stream (each one is stored at
    its partition and offset, with that value), all published after the mark ``since`` (so
    nothing older came back), and the learner's ``marker`` among them.

    ``cursor`` is the LATEST cursor the learner made (a :class:`Cursor`, which remembers its
    type).  Read again, it must start after the mark and reach the marker: it was created
    after the exercise began and before the marker was published.  A cursor put at the
    marker's offset (AT_OFFSET) also finds the marker, but is not what the exercise asks."""
    report = CheckReport("LATEST shows only what was published after the cursor")
    if not isinstance(messages, list):
        report.expect(
            False, "", "Your answer should be the list of messages your LATEST cursor returned."
        )
        return report.show()
    if not _is_mark(since, stream):
        report.expect(False, "", _RUN_THE_MARK)
        return report.show()
    if not report.expect(
        bool(messages),
        "your LATEST cursor returned messages",
        "The list is empty. A LATEST cursor sees only what is published after it exists: "
        "create it, publish the marker, then read with the cursor (or the next cursor of an "
        "earlier read).",
    ):
        return report.show()
    read = [m for m in messages if isinstance(getattr(m, "offset", None), int)]
    if not report.expect(
        len(read) == len(messages),
        "each one is a message read from the stream",
        f"{len(messages) - len(read)} of your {len(messages)} items are not messages read from "
        "the stream (no partition and offset): a list typed by hand is not an answer. Store "
        "what GetMessages returned with your LATEST cursor.",
    ):
        return report.show()
    stored = {(m.partition, m.offset): m.value for m in messages_since(client, stream, since)}  # type: ignore[arg-type]
    where = [(str(getattr(m, "partition", "")), m.offset) for m in read]
    old = [w for w in where if w not in stored and w[1] <= since.last.get(w[0], -1)]  # type: ignore[attr-defined]
    report.expect(
        not old,
        "nothing published before your cursor came back",
        f"{len(old)} message(s) from before the exercise came back (e.g. partition {old[0][0]} "
        f"offset {old[0][1]}): that is not what LATEST does. Did you use TRIM_HORIZON?"
        if old
        else "",
    )
    unknown = [w for w, m in zip(where, read, strict=True) if w not in stored and w not in old]
    unknown += [
        w for w, m in zip(where, read, strict=True) if w in stored and stored[w] != _value(m)
    ]
    report.expect(
        not unknown,
        "each is stored in the stream at its partition and offset, with that value",
        f"{len(unknown)} message(s) do not match what the stream stores at their partition and "
        "offset: store the messages exactly as you read them.",
    )
    ok_marker = [w for w, m in zip(where, read, strict=True) if _value(m) == marker and w in stored]
    report.expect(
        bool(ok_marker),
        f"your new message {marker!r} is there",
        f"{marker!r} is not among them: create the LATEST cursor first, then publish the marker "
        "(key cursor-demo), then read.",
    )
    _check_latest_cursor(report, client, stream, cursor, marker, since)  # type: ignore[arg-type]
    return report.show()


def _check_latest_cursor(
    report: CheckReport, client, stream, cursor: object, marker: str, since: Mark
) -> None:
    """Exercise 2's cursor: LATEST, made after the mark, before the marker was published."""
    make = 'my_latest_cursor = create_cursor(client, stream.id, partition, "LATEST")'
    if cursor is None or not isinstance(cursor, Cursor):
        report.expect(
            False,
            "",
            "Keep the LATEST cursor you created in my_latest_cursor (before you publish): "
            f"{make}."
            + (
                " A cursor value alone does not say its type: make it with create_cursor."
                if isinstance(cursor, str)
                else ""
            ),
        )
        return
    if not report.expect(
        cursor.type == "LATEST",
        "my_latest_cursor is a LATEST cursor",
        f"my_latest_cursor is an {cursor.type} cursor. A cursor put at the marker's offset finds "
        "the marker because you told it where the marker is; a LATEST cursor made before "
        f"publishing finds it by itself. {make}, then publish, then read.",
    ):
        return
    try:
        again = _get_once(client, stream.id, cursor, limit=100)
    except oci.exceptions.ServiceError as exc:
        report.expect(
            False,
            "",
            f"Reading my_latest_cursor again failed ({service_error_line(exc)}). A cursor expires "
            "after 5 minutes: run the mark cell, the exercise cell, then this check.",
        )
        return
    floor = since.last.get(str(cursor.partition), -1)
    early = [m.offset for m in again if m.offset <= floor]
    if not report.expect(
        not early,
        "your LATEST cursor was made after the exercise began",
        f"read again, my_latest_cursor starts at offset {early[0] if early else ''}, from before "
        f"the mark: make a new LATEST cursor in the exercise cell ({make}).",
    ):
        return
    report.expect(
        any(_value(m) == marker for m in again),
        "your LATEST cursor was made before you published the marker",
        f"read again, my_latest_cursor does not reach {marker!r}: it was made after you "
        "published. Create the cursor first, then publish, then read.",
    )


def check_count(client: oci.streaming.StreamClient, stream, partition: str, answer: object) -> bool:
    """03: ``answer`` equals the number of messages in ``partition`` now (read to the end)."""
    report = CheckReport(f"count of the messages in partition {partition}")
    if not isinstance(answer, int) or isinstance(answer, bool):
        report.expect(
            False,
            "",
            f"Your answer should be an int, the count your loop reached (got {type(answer).__name__}).",
        )
        return report.show()
    truth = sum(
        1 for _ in consume(client, stream.id, partitions=str(partition), raw=True, limit=10_000)
    )
    hint = (
        "Did you follow opc-next-cursor until a batch came back empty? A count taken earlier, "
        "or of what one cell published, misses messages."
        if answer < truth
        else "Did you count one partition only, from TRIM_HORIZON, each message once?"
    )
    report.expect(
        answer == truth,
        f"{answer} messages: right",
        f"you counted {answer}, partition {partition} holds {truth}. {hint}",
    )
    return report.show()
