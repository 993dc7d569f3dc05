"""Consumer groups are ephemeral: OCI drops a group not used for the stream's retention period.

Reference §9 ("Consumer group lifetime: ephemeral -- disappear when not used for the retention
period of the stream").  Without this, a learner who re-runs notebook 05 (about six fresh groups per
run) on one stand-in would hit the 50-groups-per-stream limit after some eight runs.
"""

from __future__ import annotations

import oci
import pytest


def test_a_group_unused_for_the_retention_period_disappears(localoci_factory, make_stream):
    server = localoci_factory()
    client, stream = server.stream_client(), make_stream(partitions=1, server=server)
    details = oci.streaming.models.CreateGroupCursorDetails(
        group_name="idle", instance_name="i", type="TRIM_HORIZON"
    )
    client.create_group_cursor(stream.id, details)
    assert client.get_group(stream.id, "idle").data.group_name == "idle"
    server.advance(24 * 3600 + 60)
    with pytest.raises(oci.exceptions.ServiceError) as gone:
        client.get_group(stream.id, "idle")
    assert gone.value.status == 404
