"""labhelpers: what the OCI Streaming lab's notebooks import.

A small, flat surface over the official ``oci`` SDK; every service call is the SDK's.

>>> from labhelpers import connect, b64encode
>>> b64encode("hi")
'aGk='

Modules by concern, and what each may import from labhelpers (tests/unit/test_layers.py
parses this map: an import it does not allow, an import cycle, or any import of localoci
fails; a new module must be added here)::

    errors       <- (nothing)                  LabError, every exception below
    limits       <- (nothing)                  OCI's limits; wait_ms() reads "next request can be made in N ms"
    redact       <- (nothing)                  what a secret is, and hiding it
    checkreport  <- (nothing)                  a self-check's result and its display bundle
    encoding     <- errors                     base64 at the edge, (de)serializers
    binder       <- errors                     Binder detection, public URLs, the oci-target guard
    localctl     <- errors                     find or start localoci over HTTP (never imports it)
    settings     <- errors                     a learner's settings file from an instructor
    connect      <- binder, errors, localctl, redact, settings   connect(): target, auth, clients
    streams      <- connect, errors            get or create the lab stream; clean up
    publish      <- encoding, errors, limits   PutMessages in batches, throttled entries retried
    consume      <- encoding, errors, limits   cursors; the GetMessages loop as an iterator
    frames       <- consume, encoding          messages and deliveries as DataFrames
    groups       <- (nothing)                  a consumer group's state and lag (GetGroup)
    throttle     <- encoding, limits           offering load past the limit; chunks over 1 MiB
    workers      <- consume, encoding, errors, frames, groups, limits, publish   background threads
    functions    <- (nothing)                  the hello function and its deployment spec (package data)
    gateway      <- authtokens, connect, consume, encoding, errors, functions, streams   deploy, call, share hello
    authtokens   <- connect, errors            auth tokens: save once (0600), find again, delete
    kafka        <- authtokens, connect, errors, redact, streams   Kafka client settings for a pool
    partitioners <- (nothing)                  the partition a Kafka client picks for a key
    classroom    <- connect, errors, functions, gateway, settings, streams   class prepare/remove
    charts       <- (nothing)                  every chart: plot_x(frame, ax=None, **kw) -> Axes
    live         <- (nothing)                  a chart that redraws while work runs (widget)
    widgets      <- charts, consume, encoding, frames, publish   the cursor picker, the produce form
    marks        <- consume, encoding          what a stream held before an exercise (Mark)
    checks_intro <- checkreport, consume, encoding, errors, limits, marks   the checks of 00 to 03
    checks_gateway <- checkreport, consume, encoding, errors, gateway, marks   the checks of 04
    checks_groups <- checkreport, consume, encoding, errors, groups, marks, workers   the checks of 05
    checks_limits <- checkreport, consume, encoding, errors, limits, marks, throttle   the checks of 06
    checks_kafka <- checkreport, errors, marks  the checks of 07
    checks       <- checkreport, checks_intro, checks_gateway, checks_groups, checks_kafka, checks_limits   every check_*
    doctor       <- connect, errors, localctl  doctor(): the setup, step by step
    cli          <- connect, redact            the OCI CLI beside the SDK
    http         <- redact                     PutMessages/GetMessages as plain HTTP, signed by oci.signer.Signer
    report       <- checkreport, errors, redact   export notebooks as offline reports (a package)
    __main__     <- classroom, connect, errors, report   python -m labhelpers report|class ...

This module (the package) re-exports the common names and is imported by none of them.

Exceptions (each message names the fix)::

    LabError                    the root: ``except LabError`` catches every one below
    ├── LabConfigError          connect(): no config file, bad profile, Binder refuses oci ...
    ├── LocalOCIError           localoci is not reachable and could not be started (localctl)
    ├── StreamError             the lab stream is missing or not usable
    ├── PublishError            entries refused for a reason other than throttling (.failed, .result)
    ├── ConsumeError            GetMessages failed for a reason retrying will not fix (expired cursor ...)
    ├── DecodeError             a message is not what the deserializer expects (not UTF-8, not JSON)
    ├── GatewaySetupError       deploy_hello: a resource missing on OCI, a path prefix taken
    ├── KafkaConfigError        kafka_config(): no user to sign in as, a bad pool or token
    │   ├── AuthTokenMissing    no auth token given and none saved (says how to create one)
    │   └── KafkaNotAvailable   the pool has no bootstrap servers (locally: no Kafka listener)
    └── ReportError             a report could not be built
        ├── NotebookNotFound    export_report() cannot tell which notebook it runs in
        └── ChromiumNotFound    --format pdf without a Chromium

Each also keeps its built-in base: ``DecodeError`` is a ``ValueError``, the others are
``RuntimeError``.  The SDK's ``oci.exceptions.ServiceError`` is never wrapped.
"""

from .charts import plot_offsets, plot_partitions, plot_throughput, throughput
from .checks import (
    CheckReport,
    check_count,
    check_cursor_starts_at,
    check_group_committed,
    check_kafka_produce,
    check_keyed_publish,
    check_latest_sees_only_new,
)
from .connect import Lab, connect
from .consume import (
    CURSOR_TYPES,
    Consumer,
    Message,
    consume,
    create_cursor,
    create_group_cursor,
    decode,
)
from .encoding import (
    b64decode,
    b64encode,
    from_json,
    from_text,
    raw,
    text_or_bytes,
    to_json,
    to_text,
)
from .errors import (
    ConsumeError,
    DecodeError,
    GatewaySetupError,
    LabConfigError,
    LabError,
    PublishError,
    ReportError,
    StreamError,
)
from .frames import recent_messages, to_frame
from .marks import Mark, mark
from .publish import Ack, PublishResult, publish
from .streams import delete_lab_streams, find_stream, get_or_create_stream


def export_report(*args, **kwargs):
    """Export the notebook this runs in as a report; see :func:`labhelpers.report.export_report`."""
    from .report import export_report as _export

    return _export(*args, **kwargs)


__all__ = [
    "CURSOR_TYPES",
    "Ack",
    "export_report",
    "CheckReport",
    "ConsumeError",
    "Consumer",
    "DecodeError",
    "GatewaySetupError",
    "Lab",
    "LabConfigError",
    "LabError",
    "Mark",
    "Message",
    "PublishError",
    "PublishResult",
    "ReportError",
    "StreamError",
    "b64decode",
    "b64encode",
    "check_count",
    "check_cursor_starts_at",
    "check_group_committed",
    "check_kafka_produce",
    "check_keyed_publish",
    "check_latest_sees_only_new",
    "connect",
    "consume",
    "create_cursor",
    "create_group_cursor",
    "decode",
    "delete_lab_streams",
    "find_stream",
    "from_json",
    "from_text",
    "get_or_create_stream",
    "mark",
    "plot_offsets",
    "plot_partitions",
    "plot_throughput",
    "publish",
    "raw",
    "recent_messages",
    "text_or_bytes",
    "throughput",
    "to_frame",
    "to_json",
    "to_text",
]
