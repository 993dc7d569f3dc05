"""Self-checks of notebook 05 (consumer groups); see labhelpers.checks."""

from __future__ import annotations

import time
from typing import Any

import oci

from .checkreport import CheckReport
from .errors import service_error_line
from .groups import group_state, owners
from .workers import GroupInstance

# -- 05: consumer groups -------------------------------------------------------------------------------


def check_group_skipped_backlog(
    client: oci.streaming.StreamClient, stream: Any, group: str, batch: object, backlog: Any
) -> bool:
    """05, exercise 1: after UpdateGroup to LATEST, the group reads nothing from before the reset.

    ``backlog`` is the PublishResult of the backlog: no message at or before its offsets may come
    back, neither in ``batch`` nor to a new instance the check joins.  The group (made fresh by
    the mark cell) must also hold a reservation for an instance other than ``old``: evidence that
    the learner read from it, so an empty, hand-made list does not pass.
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
    try:
        holders = set(owners(client, stream, group)) - {"old"}
    except oci.exceptions.ServiceError as exc:
        report.expect(False, "", f"GetGroup failed: {service_error_line(exc)}")
        return report.show()
    report.expect(
        bool(holders),
        f"a new instance of yours ({', '.join(sorted(holders))}) read from the group",
        f"no instance but 'old' has read from group {group!r}: after UpdateGroup, read one "
        f'batch with a new instance, e.g. GroupInstance(client, stream, backlog_group, "fresh").read().',
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
    """05, exercise 2: with commitOnGet=false, ConsumerCommit committed exactly the batch read.

    ``group`` is made fresh by the mark cell, so only a commit made in the exercise counts: a
    batch of another group (the lesson's), a hand-made list or a read without a commit leave
    its committed offsets at -1 (or the group absent).
    """
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
