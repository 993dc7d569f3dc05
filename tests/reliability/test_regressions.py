"""Regression tests for the bugs the reliability checks found (each also caught by a check)."""

from __future__ import annotations

import threading
from pathlib import Path

import oci
import pytest

from reliability import common
from reliability.common import Models, b64

ECHO = Path(__file__).resolve().parents[2] / "reliability" / "functions" / "echo"


@pytest.mark.timeout(120)
def test_concurrent_calls_to_a_cold_or_updated_function_all_succeed(localoci_factory):
    """fuzz found: calls arriving while a function's process started (or was replaced after
    UpdateFunction) failed with 502 and killed each other's process."""
    server = localoci_factory()
    cfg = server.config
    fm = oci.functions.FunctionsManagementClient(cfg, service_endpoint=server.url)
    app = fm.create_application(
        oci.functions.models.CreateApplicationDetails(
            compartment_id=server.compartment, display_name="conc", subnet_ids=[]
        )
    ).data
    fn = fm.create_function(
        oci.functions.models.CreateFunctionDetails(
            display_name="echo",
            application_id=app.id,
            memory_in_mbs=256,
            timeout_in_seconds=30,
            source_details=oci.functions.models.CreateContainerImageFunctionSourceDetails(
                image=str(ECHO)
            ),
        )
    ).data
    statuses: list[object] = []

    def call():
        inv = oci.functions.FunctionsInvokeClient(
            cfg, service_endpoint=server.url, retry_strategy=oci.retry.NoneRetryStrategy()
        )
        try:
            statuses.append(inv.invoke_function(fn.id, invoke_function_body=b"{}").status)
        except oci.exceptions.ServiceError as exc:
            statuses.append((exc.status, exc.code, exc.message[:200]))

    for round_ in range(2):  # cold start, then a restart forced by a config change mid-burst
        threads = [threading.Thread(target=call) for _ in range(5)]
        for t in threads:
            t.start()
        if round_:
            fm.update_function(
                fn.id, oci.functions.models.UpdateFunctionDetails(config={"ROUND": "2"})
            )
        for t in threads:
            t.join(60)
    assert statuses == [200] * 10, statuses


def test_get_messages_stops_at_8_mib(localoci_factory):
    """resources found: default-limit reads of 1 MiB messages built whole-partition responses."""
    server = localoci_factory("--no-limits")
    stream = common.create_stream(server, "big", 1)
    client = server.stream_client()
    value = b64(b"x" * (1024 * 1024))
    for _ in range(3):
        client.put_messages(
            stream.id,
            Models.PutMessagesDetails(
                messages=[Models.PutMessagesDetailsEntry(value=value) for _ in range(4)]
            ),
        )
    c = client.create_cursor(
        stream.id, Models.CreateCursorDetails(partition="0", type="TRIM_HORIZON")
    ).data.value
    first = client.get_messages(stream.id, c)
    assert len(first.data) == 8
    rest = client.get_messages(stream.id, first.headers["opc-next-cursor"]).data
    assert [m.offset for m in rest] == [8, 9, 10, 11]


def test_localoci_refuses_to_start_on_a_full_disk_without_a_traceback(tmp_path):
    """resources found: a restart on a full disk died with a traceback."""
    from reliability.resources import tmpfs

    mnt = tmp_path / "full"
    with tmpfs(mnt, "2m") as ok:
        if not ok:
            pytest.skip("cannot mount a tmpfs here")
        s = common.process.start(mnt / "data")
        s.stop()
        with open(mnt / "ballast", "wb") as f:
            try:
                while True:
                    f.write(b"\0" * 65536)
            except OSError:
                pass
        with pytest.raises(RuntimeError) as err:
            common.process.start(mnt / "data")
    assert "Traceback" not in str(err.value)
    assert "Free disk space" in str(err.value)
