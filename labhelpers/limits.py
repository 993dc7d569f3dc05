"""OCI Streaming's limits as the helpers use them, and the one reader of a throttling message.

The service says how long to wait in words, not in a header: a throttled PutMessages entry
(inside a 200) and a 429 from GetMessages both end in ``... next request can be made in N
ms``.  :func:`wait_ms` is the only place that reads it; the publisher, the consumer, the
group instances and the throttling lesson all ask it.

>>> wait_ms("Request was throttled because bytes limit exhausted, next request can be made in 250 ms")
250
>>> wait_ms(None)
500
>>> wait_ms("Too many requests", default=250)
250
"""

from __future__ import annotations

import re

__all__ = [
    "GETS_PER_SECOND",
    "KIB",
    "LIMIT_BYTES_PER_SECOND",
    "MAX_BATCH_MESSAGES",
    "MAX_REQUEST_BYTES",
    "MIB",
    "wait_ms",
]

KIB = 1024
MIB = 1024 * KIB
#: Write throughput per partition.
LIMIT_BYTES_PER_SECOND = MIB
#: One PutMessages request, and one message, at most.
MAX_REQUEST_BYTES = MIB
MAX_BATCH_MESSAGES = 5000
#: GetMessages calls per second per partition (per consumer group).
GETS_PER_SECOND = 5.0

_WAIT = re.compile(r"next request can be made in (\d+) ms")


def wait_ms(error_message: str | None, default: int = 500) -> int:
    """The wait a throttling message names, in milliseconds; ``default`` when it names none."""
    m = _WAIT.search(error_message or "")
    return int(m.group(1)) if m else default
