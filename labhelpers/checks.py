"""Self-checks: each exercise's check inspects the stream's real state and says, line by line,
what is right (✅) and what is missing (❌).  The same lines go into the exported report.

Each ``check_*`` returns True when everything is right, so tests can assert both ways.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import oci

from .consume import consume
from .encoding import text_or_bytes

OK, BAD = "✅", "❌"


@dataclass
class CheckReport:
    title: str
    lines: list[tuple[bool, str]] = field(default_factory=list)

    def expect(self, condition: bool, good: str, bad: str) -> bool:
        self.lines.append((bool(condition), good if condition else bad))
        return bool(condition)

    @property
    def passed(self) -> bool:
        return bool(self.lines) and all(ok for ok, _ in self.lines)

    def show(self) -> bool:
        print(f"Check: {self.title}")
        for ok, text in self.lines:
            print(f"{OK if ok else BAD} {text}")
        if self.passed:
            print(f"{OK} All good.")
        return self.passed


def _all_messages(client, stream) -> list:
    return list(consume(client, stream.id, partitions=[str(p) for p in range(stream.partitions)],
                        deserializer=text_or_bytes, limit=10_000))


def check_keyed_publish(client: oci.streaming.StreamClient, stream, keys: list[str], at_least: int = 3) -> bool:
    """01: at least ``at_least`` messages per key, and every key's messages in one partition."""
    report = CheckReport(f"messages published with keys {keys}")
    if not keys:
        report.expect(False, "", "No keys given: publish with your own keys and pass them here.")
        return report.show()
    by_key: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    for m in _all_messages(client, stream):
        if isinstance(m.key, str) and m.key in keys:
            by_key[m.key].add(m.partition)
            counts[m.key] += 1
    for k in keys:
        report.expect(counts[k] >= at_least, f"key {k!r}: {counts[k]} messages in the stream",
                      f"key {k!r}: {counts[k]} messages found, expected at least {at_least}. Publish more with key={k!r}.")
        if counts[k]:
            report.expect(len(by_key[k]) == 1, f"key {k!r}: all in partition {sorted(by_key[k])[0]}",
                          f"key {k!r} is spread over partitions {sorted(by_key[k])}: that cannot happen with one stream.")
    return report.show()


def check_cursor_starts_at(client: oci.streaming.StreamClient, stream, cursor: object, partition: str,
                           offset: int) -> bool:
    """02: the learner's cursor's first message is ``offset`` in ``partition``."""
    report = CheckReport(f"a cursor that starts at offset {offset} of partition {partition}")
    if not isinstance(cursor, str) or not cursor:
        report.expect(False, "", "Your answer is not a cursor value: assign the `.data.value` of create_cursor.")
        return report.show()
    try:
        batch = client.get_messages(stream.id, cursor, limit=1).data
    except oci.exceptions.ServiceError as exc:
        report.expect(False, "", f"GetMessages refused the cursor: {exc.message}")
        return report.show()
    if report.expect(bool(batch), "the cursor returns messages", "the cursor returned no messages"):
        first = batch[0]
        report.expect(first.partition == str(partition), f"it reads partition {partition}",
                      f"it reads partition {first.partition}, not {partition}")
        report.expect(first.offset == offset, f"its first message is offset {offset}",
                      f"its first message is offset {first.offset}, not {offset}. AFTER_OFFSET n starts at n+1.")
    return report.show()


def check_count(client: oci.streaming.StreamClient, stream, partition: str, answer: object) -> bool:
    """03: ``answer`` equals the number of messages in ``partition`` (read to the end)."""
    report = CheckReport(f"count of the messages in partition {partition}")
    truth = sum(1 for _ in consume(client, stream.id, partitions=str(partition), deserializer=text_or_bytes,
                                   limit=10_000))
    if not isinstance(answer, int) or isinstance(answer, bool):
        report.expect(False, "", f"Your answer should be an int (got {type(answer).__name__}).")
    else:
        report.expect(answer == truth, f"{answer} messages: right",
                      f"you counted {answer}, the partition holds {truth}. Did you follow opc-next-cursor to the end?")
    return report.show()


def check_latest_sees_only_new(messages: object, marker: str) -> bool:
    """02: a LATEST cursor made before publishing sees the new message (and nothing older)."""
    report = CheckReport("LATEST shows only what was published after the cursor")
    values = [getattr(m, "value", m) for m in (messages or [])] if isinstance(messages, list) else None
    if values is None:
        report.expect(False, "", "Your answer should be the list of messages your LATEST cursor returned.")
        return report.show()
    report.expect(marker in values, f"your new message {marker!r} is there",
                  f"{marker!r} is missing: create the LATEST cursor first, then publish, then read.")
    report.expect(all(v == marker for v in values), "and nothing published before the cursor",
                  "older messages came back too: that is not what LATEST does. Did you use TRIM_HORIZON?")
    return report.show()
