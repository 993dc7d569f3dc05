"""labhelpers: what the OCI Streaming lab's notebooks import.

A small, flat surface over the official ``oci`` SDK; every service call is the SDK's.

>>> from labhelpers import connect, b64encode
>>> b64encode("hi")
'aGk='

Exceptions (each message names the fix)::

    LabConfigError      connect(): no config file, bad profile, localoci not reachable ...
    StreamError         the lab stream is missing or not usable
    PublishError        entries refused for a reason other than throttling (.failed, .result)
    ConsumeError        GetMessages failed for a reason retrying will not fix (expired cursor ...)
    DecodeError         a message is not what the deserializer expects (not UTF-8, not JSON)
"""

from .charts import plot_offsets, plot_partitions, plot_throughput, throughput
from .checks import (
    CheckReport,
    check_count,
    check_cursor_starts_at,
    check_keyed_publish,
    check_latest_sees_only_new,
)
from .connect import Lab, LabConfigError, connect
from .consume import (
    CURSOR_TYPES,
    ConsumeError,
    Consumer,
    Message,
    consume,
    create_cursor,
    create_group_cursor,
    decode,
)
from .encoding import (
    DecodeError,
    b64decode,
    b64encode,
    from_json,
    from_text,
    raw,
    text_or_bytes,
    to_json,
    to_text,
)
from .frames import recent_messages, to_frame
from .publish import Ack, PublishError, PublishResult, publish
from .streams import StreamError, delete_lab_streams, find_stream, get_or_create_stream


def export_report(*args, **kwargs):
    """Export the notebook this runs in as a report; see :func:`labhelpers.report.export_report`."""
    from .report import export_report as _export

    return _export(*args, **kwargs)


__all__ = [
    "CURSOR_TYPES", "Ack", "export_report", "CheckReport", "ConsumeError", "Consumer", "DecodeError", "Lab", "LabConfigError",
    "Message", "PublishError", "PublishResult", "StreamError", "b64decode", "b64encode", "check_count",
    "check_cursor_starts_at", "check_keyed_publish", "check_latest_sees_only_new", "connect", "consume",
    "create_cursor", "create_group_cursor", "decode", "delete_lab_streams", "find_stream", "from_json",
    "from_text", "get_or_create_stream", "plot_offsets", "plot_partitions", "plot_throughput", "publish",
    "raw", "recent_messages", "text_or_bytes", "throughput", "to_frame", "to_json", "to_text",
]
