"""localoci speaks Kafka: a second wire beside REST, over the same streams and offsets.

* ``listener``  -- :class:`KafkaListener`, an asyncio server on the caller's loop;
* ``connection`` and ``sasl`` -- framing, the connection state machine, SASL/PLAIN;
* ``api_meta``, ``api_data``, ``api_groups`` -- request handlers by group;
* ``coordinator`` -- the classic consumer-group coordinator;
* ``records``   -- record batches v2: validate incoming, build outgoing;
* ``protocol``  -- the advertised API table and headers (kafka-python's classes do the codec);
* ``backend``   -- the seam: what the listener needs from localoci's store (:class:`Backend`);
* ``memory``    -- an in-memory backend, the reference implementation and test double.

The "Kafka" section of ``localoci/COVERAGE.md`` lists the APIs, versions, choices and
differences from OCI.
"""

from .backend import (
    Appended,
    Backend,
    CommittedOffset,
    KafkaSettings,
    OciUsername,
    Principal,
    ProducedRecord,
    StoredRecord,
    StreamPartition,
    TopicInfo,
)
from .errors import AuthenticationFailed, Code, KafkaError
from .listener import KafkaListener, ListenerLimits

__all__ = [
    "Appended",
    "AuthenticationFailed",
    "Backend",
    "Code",
    "CommittedOffset",
    "KafkaError",
    "KafkaListener",
    "KafkaSettings",
    "ListenerLimits",
    "OciUsername",
    "Principal",
    "ProducedRecord",
    "StoredRecord",
    "StreamPartition",
    "TopicInfo",
]
