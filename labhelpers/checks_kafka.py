"""The checks of notebook 07 (Kafka clients on OCI Streaming); :mod:`labhelpers.checks`
re-exports them beside the others.

Each passes only on evidence of the learner's own action: delivery reports whose
``(partition, offset)`` hold, in the stream itself (read back with GetMessages), a message
with the learner's key appended **after** a :class:`~labhelpers.marks.Mark` taken just before
the exercise; a consumer group whose **committed offsets** (asked of the group coordinator)
are past a batch published just before the exercise, with every value of that batch among the
learner's.  A wrong answer gets ❌ lines naming what is missing and the fix, never a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import oci

from .checkreport import CheckReport
from .errors import service_error_line
from .marks import Mark, messages_since

__all__ = ["check_group_committed", "check_kafka_produce"]


def _pairs(deliveries: object) -> list[tuple[int, int]] | None:
    """``[(partition, offset), ...]`` from tuples or confluent-kafka ``Message`` objects."""
    if not isinstance(deliveries, list | tuple):
        return None
    out = []
    for d in deliveries:
        if callable(getattr(d, "partition", None)) and callable(getattr(d, "offset", None)):
            d = (d.partition(), d.offset())
        if (
            not isinstance(d, tuple | list)
            or len(d) != 2
            or not all(isinstance(x, int) and not isinstance(x, bool) for x in d)
        ):
            return None
        out.append((int(d[0]), int(d[1])))
    return out


def check_kafka_produce(
    client: oci.streaming.StreamClient,
    stream,
    key: object,
    deliveries: object,
    since: object,
    at_least: int = 5,
) -> bool:
    """07: ``at_least`` messages with ``key`` produced after the mark ``since``, and each
    delivery report ``(partition, offset)`` is, read back with GetMessages, a message of the
    stream with that key, stored after the mark."""
    report = CheckReport(f"your Kafka producer's delivery reports for key {key!r}")
    if not isinstance(key, str) or not key:
        report.expect(False, "", "my_key should be the key you produced with, a non-empty string.")
        return report.show()
    if not isinstance(since, Mark) or since.stream_id != getattr(stream, "id", None):
        report.expect(
            False,
            "",
            "No mark from before the exercise: run the cell `before_1 = mark(client, stream)` "
            "above the exercise, then your answer, then this check.",
        )
        return report.show()
    pairs = _pairs(deliveries)
    if pairs is None:
        report.expect(
            False,
            "",
            "my_deliveries should be a list of (partition, offset) pairs, one per delivery "
            "report: in on_delivery, append (msg.partition(), msg.offset()).",
        )
        return report.show()
    if not report.expect(
        len(pairs) >= at_least,
        f"{len(pairs)} delivery reports",
        f"{len(pairs)} delivery report(s), expected at least {at_least}. Reports arrive only "
        "when the producer is polled: call producer.flush() after your produce() calls.",
    ):
        return report.show()
    try:
        stored = messages_since(client, stream, since)
    except oci.exceptions.ServiceError as exc:
        report.expect(False, "", "reading the stream back: " + service_error_line(exc))
        return report.show()
    at = {(int(m.partition), m.offset): m for m in stored}
    missing = [p for p in pairs if p not in at]
    report.expect(
        not missing,
        "every report names a message stored after the mark",
        f"{len(missing)} report(s), e.g. partition {missing[0][0]} offset {missing[0][1]}, "
        "name no message stored after the mark: produce again in the exercise cell (the "
        "lesson's reports are from before it), and record what on_delivery reports."
        if missing
        else "",
    )
    wrong_key = [p for p in pairs if p in at and at[p].key != key]
    report.expect(
        not wrong_key,
        f"GetMessages returns key {key!r} at every reported offset",
        f"{len(wrong_key)} reported offset(s) hold another key: produce with key={key!r}.",
    )
    mine = [m for m in stored if m.key == key]
    partitions = sorted({m.partition for m in mine})
    report.expect(
        len(mine) >= at_least,
        f"{len(mine)} message(s) with key {key!r} since the mark",
        f"{len(mine)} message(s) with key {key!r} since the mark, expected at least {at_least}.",
    )
    if mine:
        report.expect(
            len(partitions) == 1,
            f"all in partition {partitions[0]}: one producer, one key, one partition",
            f"key {key!r} is in partitions {partitions}: produce all of them with one producer.",
        )
    return report.show()


def check_group_committed(
    conf: Mapping[str, Any],
    stream,
    group: object,
    values: object,
    published: Any,
    sent: list[str],
) -> bool:
    """07: group ``group`` committed, per partition, an offset past the batch ``published``
    (asked of the group coordinator with OffsetFetch), and ``values`` hold every ``sent`` value."""
    report = CheckReport(f"what consumer group {group!r} read and committed")
    if not isinstance(values, list | tuple):
        report.expect(
            False,
            "",
            "my_values should be the list of the values your consumer received "
            "(msg.value().decode() for each message).",
        )
        return report.show()
    got = {v.decode() if isinstance(v, bytes) else v for v in values}
    missing = [v for v in sent if v not in got]
    report.expect(
        not missing,
        f"all {len(sent)} values of the batch received",
        f"{len(missing)} of the {len(sent)} values published before the exercise are not in "
        "my_values: poll until you have them all (a poll returns one message, or None).",
    )
    last: dict[int, int] = {}
    for ack in getattr(published, "acks", []):
        p = int(ack.partition)
        last[p] = max(last.get(p, -1), ack.offset)
    if not isinstance(group, str) or not group:
        report.expect(False, "", "group should be the group.id you consumed with.")
        return report.show()
    from confluent_kafka import Consumer, KafkaException, TopicPartition

    consumer = Consumer({**conf, "group.id": group, "enable.auto.commit": False})
    try:
        committed = consumer.committed(
            [TopicPartition(stream.name, p) for p in sorted(last)], timeout=15
        )
    except KafkaException as exc:
        report.expect(False, "", f"asking group {group!r} for its committed offsets: {exc}")
        return report.show()
    finally:
        consumer.close()
    for tp in committed:
        need = last[tp.partition] + 1
        report.expect(
            tp.offset >= need,
            f"partition {tp.partition}: committed {tp.offset}, past the batch (ends at "
            f"{last[tp.partition]})",
            f"partition {tp.partition}: group {group!r} committed "
            f"{'nothing' if tp.offset < 0 else tp.offset}, the batch ends at {last[tp.partition]} "
            "(Kafka commits the next offset to read). Commit after reading: "
            "consumer.commit(asynchronous=False), then consumer.close().",
        )
    return report.show()
