"""Self-checks: each exercise's check inspects the stream's real state and says, line by line,
what is right (✅) and what is missing (❌).

Every ``check_*`` of the lab is importable from here; each notebook's checks live in their own
module (``checks_intro`` for 00-03, ``checks_gateway`` 04, ``checks_groups`` 05, ``checks_limits`` 06,
``checks_kafka`` 07):

==========  ==================================================================================
notebook    checks
==========  ==================================================================================
00, 01      :func:`check_keyed_publish`
02          :func:`check_cursor_starts_at`, :func:`check_latest_sees_only_new`
03          :func:`check_count`
04          :func:`check_event_for_name`
05          :func:`check_group_skipped_backlog`, :func:`check_manual_commit`
06          :func:`check_reassembled`, :func:`check_ordered_publish`
07          :func:`check_kafka_produce`, :func:`check_group_committed`
==========  ==================================================================================

Each returns True when everything is right, so tests can assert both ways, and shows its
result as a :class:`~labhelpers.checkreport.CheckReport`: one rich output that the report
and the tests read as structured data (``application/vnd.labhelpers.check+json``) and a
learner reads as HTML, or as the same ✅ / ❌ lines in plain text.
"""

from __future__ import annotations

from .checkreport import BAD, CHECK_MIME, OK, CheckReport
from .checks_gateway import check_event_for_name
from .checks_groups import check_group_skipped_backlog, check_manual_commit
from .checks_intro import (
    check_count,
    check_cursor_starts_at,
    check_keyed_publish,
    check_latest_sees_only_new,
)
from .checks_kafka import check_group_committed, check_kafka_produce
from .checks_limits import check_ordered_publish, check_reassembled

__all__ = [
    "BAD",
    "CHECK_MIME",
    "OK",
    "CheckReport",
    "check_count",
    "check_cursor_starts_at",
    "check_event_for_name",
    "check_group_committed",
    "check_group_skipped_backlog",
    "check_kafka_produce",
    "check_keyed_publish",
    "check_latest_sees_only_new",
    "check_manual_commit",
    "check_ordered_publish",
    "check_reassembled",
]
