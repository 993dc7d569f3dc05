"""Self-checks of notebook 04 (the hello function behind the API Gateway); see labhelpers.checks.

The check passes only on evidence that the learner's own call through the gateway produced the
event: a ``hello.invoked`` event keyed with the learner's name, appended after a
:class:`~labhelpers.marks.Mark` taken just before the exercise, carrying a call id no earlier
event had (so a republished copy of the lesson's event does not count), written by the
function as called over HTTP (``"via": "http"``, and, given the deployment, its function's
OCID and its route).  The learner's ``my_event`` is compared with what the stream stores, not
with what was typed.
"""

from __future__ import annotations

from typing import Any

import oci

from .checkreport import CheckReport
from .consume import Message
from .gateway import HelloDeployment, hello_events
from .marks import Mark

__all__ = ["check_event_for_name"]

_RUN_THE_MARK = (
    "No mark from before the exercise: run the cell `before = mark(client, stream)` above the "
    "exercise, then your answer, then this check."
)
_CALL_IT = (
    "call the function through the gateway in the exercise cell: "
    "`invoke_hello(hello, my_name)` (or requests.post(hello.url, json={'name': my_name}))"
)


def _after(m: Message, since: Mark) -> bool:
    return m.offset > since.last.get(m.partition, -1)


def _from_the_function(m: Message, hello: HelloDeployment | None) -> bool:
    """The event's fields are the ones hello writes when the gateway calls it."""
    v = m.value
    if not (isinstance(v, dict) and v.get("callId") and v.get("via") == "http"):
        return False
    if hello is None:
        return True
    url = str(v.get("requestUrl") or "")
    return v.get("functionId") == hello.function.id and url.split("?")[0].endswith(
        hello.path_prefix + "/hello"
    )


def check_event_for_name(
    client: oci.streaming.StreamClient,
    stream: Any,
    name: object,
    found: object = None,
    since: object = None,
    hello: object = None,
) -> bool:
    """04: a call through the gateway with ``name``, made after the mark ``since``, left an
    event keyed ``name`` in the stream, and ``found`` (the learner's message) is that event as
    the stream stores it.  ``hello`` (the :class:`~labhelpers.gateway.HelloDeployment`) lets
    the check also require the event to come from that deployment's function."""
    report = CheckReport(f"your call to hello left an event keyed {name!r}")
    if not isinstance(name, str) or not name.strip():
        report.expect(False, "", '`my_name` should be the name you sent, as a string (e.g. "Ada").')
        return report.show()
    if not (isinstance(since, Mark) and since.stream_id == getattr(stream, "id", None)):
        report.expect(False, "", _RUN_THE_MARK)
        return report.show()
    deployment = hello if isinstance(hello, HelloDeployment) else None
    every = hello_events(client, stream)
    earlier_calls = {
        m.value.get("callId") for m in every if not _after(m, since) and m.value.get("callId")
    }
    mine = [m for m in every if m.key == name and _after(m, since)]
    if not mine:
        old = sum(1 for m in every if m.key == name)
        report.expect(
            False,
            "",
            f"no hello event keyed {name!r} since the mark"
            + (f" ({old} from before it: those were not your exercise's call)" if old else "")
            + f": {_CALL_IT}, check that it answered 200, then run this check.",
        )
        return report.show()
    report.expect(True, f"{len(mine)} hello event(s) keyed {name!r} since the mark", "")
    genuine = [
        m
        for m in mine
        if _from_the_function(m, deployment)
        and m.value.get("callId") not in earlier_calls
        and m.value.get("name") == name
    ]
    why = ""
    if not genuine:
        last = mine[-1].value
        if isinstance(last, dict) and last.get("callId") and last.get("via") == "invoke":
            why = "it came from a direct invoke of the function, not from an HTTP call through the gateway"
        elif isinstance(last, dict) and last.get("callId") in earlier_calls:
            why = (
                "its callId is an earlier call's: a copy republished with PutMessages is not a call"
            )
        elif isinstance(last, dict) and last.get("callId") and last.get("via") == "http":
            why = "it came through another deployment or function than yours"
        else:
            why = "it has no call id of the function: a message published with PutMessages is not a call"
    if not report.expect(
        bool(genuine),
        "at least one was written by the hello function for a new call through the gateway",
        f"the event keyed {name!r} since the mark was not written by hello for a new call through "
        f"your deployment ({why}). Instead, {_CALL_IT}.",
    ):
        return report.show()
    if not isinstance(found, Message):
        report.expect(
            False,
            "",
            "`my_event` should be the message you found (a labhelpers Message, e.g. "
            "from hello_events(client, stream, my_name) or consume(...)).",
        )
        return report.show()
    stored = next(
        (m for m in genuine if (m.partition, m.offset) == (found.partition, found.offset)), None
    )
    report.expect(
        stored is not None and stored.value == found.value and stored.key == found.key,
        f"`my_event` is your event as the stream stores it: partition {found.partition}, "
        f"offset {found.offset}",
        f"`my_event` (partition {found.partition}, offset {found.offset}) is not the event your "
        f"call published, as the stream stores it: read it back, e.g. "
        f"`hello_events(client, stream, my_name)[-1]`, after the call.",
    )
    return report.show()
