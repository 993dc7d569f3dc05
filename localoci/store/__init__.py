"""The store: the only place in localoci (with :mod:`localoci.faas.store`) that speaks SQL.

A small store over SQLite (WAL), the flaskr way: ``connect()``, ``init_db()``, one schema file
(``localoci/schema.sql``).  Rows come back by name (``sqlite3.Row``) and leave as the plain
dataclasses of :mod:`.rows`.

* :mod:`.database` -- :class:`Store`: transactions, meta, API keys, stream pools, streams,
  the message log, work requests, reset and per-partition figures;
* :mod:`.group_tables` -- :class:`GroupTables` (``store.groups``): the consumer-group tables,
  which :mod:`localoci.groups`'s rules read and write through it.

Only the event-loop thread of the server touches the connection, so there is no locking
here; each mutating operation runs in one transaction (``with store.tx():``) and is durable
when it returns: an acknowledged message is on disk before its offset is sent.
"""

from .database import Store, connect, init_db
from .group_tables import GroupTables
from .log import MessageLog, Slice
from .rows import Group, GroupPartition, PartitionOffsets, StoredMessage, Stream, StreamPool

__all__ = [
    "Group",
    "GroupPartition",
    "GroupTables",
    "MessageLog",
    "Slice",
    "PartitionOffsets",
    "Store",
    "StoredMessage",
    "Stream",
    "StreamPool",
    "connect",
    "init_db",
]
