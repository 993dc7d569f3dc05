"""Self-checks of notebook 04 (the hello function behind the API Gateway); see labhelpers.checks."""

from __future__ import annotations

from typing import Any

import oci

from .checkreport import CheckReport
from .consume import Message
from .gateway import hello_events

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
