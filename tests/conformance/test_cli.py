"""The OCI CLI (``oci streaming ...``) against localoci, given only ``--config-file``,
``--profile`` and ``--endpoint``: what the README tells a newcomer to type.

Each CLI run costs a couple of seconds of Python start-up, so one module-wide stream with a
few messages serves every read-only check."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import oci
import pytest

from tests.localoci.helpers import b64, publish, unb64

OCI = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "oci"
OCI_BIN = str(OCI) if OCI.exists() else shutil.which("oci")

pytestmark = [
    pytest.mark.cli,
    pytest.mark.skipif(
        OCI_BIN is None, reason="the OCI CLI is not installed (pip install oci-cli)"
    ),
]


def run(server, *args: str) -> dict | None:
    """Run ``oci ... --endpoint <server>``; return its JSON output (None when it prints nothing)."""
    env = {
        **os.environ,
        "OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING": "True",
        "SUPPRESS_LABEL_WARNING": "True",
    }
    env.pop("OCI_CLI_RC_FILE", None)
    cmd = [
        OCI_BIN,
        "--config-file",
        server.config_file,
        "--profile",
        server.profile,
        "--endpoint",
        server.url,
        "--no-retry",
        *args,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=90)
    assert proc.returncode == 0, (
        f"{' '.join(args)} failed:\nstdout: {proc.stdout}\nstderr: {proc.stderr}"
    )
    return json.loads(proc.stdout) if proc.stdout.strip() else None


@pytest.fixture(scope="module")
def stream(localoci):
    """A 1-partition stream with 3 messages (offsets 0..2) for the CLI reads."""
    admin = localoci.admin()
    s = admin.create_stream(
        oci.streaming.models.CreateStreamDetails(
            name=f"cli-{os.getpid()}", partitions=1, compartment_id=localoci.compartment
        )
    ).data
    oci.wait_until(
        admin,
        admin.get_stream(s.id),
        "lifecycle_state",
        "ACTIVE",
        max_wait_seconds=10,
        max_interval_seconds=0.1,
    )
    publish(localoci.stream_client(), s.id, ("k", "m0"), ("k", "m1"), ("k", "m2"))
    yield admin.get_stream(s.id).data
    admin.delete_stream(s.id)


def test_cli_admin_stream_create_waits_for_the_work_request(localoci):
    name = f"cli-made-{os.getpid()}"
    out = run(
        localoci,
        "streaming",
        "admin",
        "stream",
        "create",
        "--compartment-id",
        localoci.compartment,
        "--name",
        name,
        "--partitions",
        "2",
        "--wait-for-state",
        "SUCCEEDED",
        "--wait-interval-seconds",
        "1",
        "--max-wait-seconds",
        "30",
    )
    wr = out["data"]
    assert wr["status"] == "SUCCEEDED" and wr["operation-type"] == "CREATE_STREAM"
    stream_id = wr["resources"][0]["identifier"]
    admin = localoci.admin()
    try:
        assert admin.get_stream(stream_id).data.lifecycle_state == "ACTIVE"
    finally:
        admin.delete_stream(stream_id)


def test_cli_admin_stream_list_and_get(localoci, stream):
    listed = run(
        localoci,
        "streaming",
        "admin",
        "stream",
        "list",
        "--compartment-id",
        localoci.compartment,
        "--name",
        stream.name,
        "--all",
    )
    assert [s["id"] for s in listed["data"]] == [stream.id]
    assert listed["data"][0]["messages-endpoint"] == localoci.url
    got = run(localoci, "streaming", "admin", "stream", "get", "--stream-id", stream.id)
    assert got["data"]["name"] == stream.name and got["data"]["lifecycle-state"] == "ACTIVE"
    assert got["data"]["retention-in-hours"] == 24 and got["etag"]


CURSORS = {
    "TRIM_HORIZON": ([], ["m0", "m1", "m2"]),
    "AT_OFFSET": (["--offset", "1"], ["m1", "m2"]),
    "AFTER_OFFSET": (["--offset", "1"], ["m2"]),
    "AT_TIME": (["--time", "2000-01-01T00:00:00Z"], ["m0", "m1", "m2"]),
    "LATEST": ([], []),
}


@pytest.mark.parametrize("type_", list(CURSORS))
def test_cli_create_cursor_each_type(localoci, stream, type_):
    extra, expected = CURSORS[type_]
    out = run(
        localoci,
        "streaming",
        "stream",
        "cursor",
        "create-cursor",
        "--stream-id",
        stream.id,
        "--partition",
        "0",
        "--type",
        type_.lower(),
        *extra,
    )
    c = out["data"]["value"]
    got = localoci.stream_client().get_messages(stream.id, c).data
    assert [unb64(m.value).decode() for m in got] == expected


def test_cli_message_put_then_get(localoci, make_stream):
    s = make_stream(partitions=1)
    messages = json.dumps(
        [{"key": b64("cli"), "value": b64("from the CLI")}, {"value": b64("no key")}]
    )
    put = run(
        localoci,
        "streaming",
        "stream",
        "message",
        "put",
        "--stream-id",
        s.id,
        "--messages",
        messages,
    )
    assert put["data"]["failures"] == 0 and [e["offset"] for e in put["data"]["entries"]] == [0, 1]
    c = (
        localoci.stream_client()
        .create_cursor(
            s.id, oci.streaming.models.CreateCursorDetails(partition="0", type="TRIM_HORIZON")
        )
        .data.value
    )
    got = run(
        localoci,
        "streaming",
        "stream",
        "message",
        "get",
        "--stream-id",
        s.id,
        "--cursor",
        c,
        "--limit",
        "10",
    )
    assert [unb64(m["value"]).decode() for m in got["data"]] == ["from the CLI", "no key"]
    assert got["data"][0]["stream"] == s.name and got["data"][1]["key"] is None
    assert got["opc-next-cursor"]


def test_cli_group_cursor_and_group_get(localoci, stream):
    out = run(
        localoci,
        "streaming",
        "stream",
        "cursor",
        "create-group-cursor",
        "--stream-id",
        stream.id,
        "--group-name",
        "cli-group",
        "--type",
        "TRIM_HORIZON",
        "--instance-name",
        "cli-1",
        "--commit-on-get",
        "true",
        "--timeout-in-ms",
        "30000",
    )
    client = localoci.stream_client()
    first = client.get_messages(stream.id, out["data"]["value"], limit=2)
    client.get_messages(stream.id, first.headers["opc-next-cursor"], limit=2)  # commits offsets 0-1
    group = run(
        localoci,
        "streaming",
        "stream",
        "group",
        "get",
        "--stream-id",
        stream.id,
        "--group-name",
        "cli-group",
    )
    [r] = group["data"]["reservations"]
    assert group["data"]["group-name"] == "cli-group"
    assert (
        r["committed-offset"] == 1 and r["reserved-instance"] == "cli-1" and r["partition"] == "0"
    )


def test_cli_errors_exit_1_with_a_service_error(localoci):
    env = {**os.environ, "OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING": "True"}
    proc = subprocess.run(
        [
            OCI_BIN,
            "--config-file",
            localoci.config_file,
            "--profile",
            localoci.profile,
            "--endpoint",
            localoci.url,
            "--no-retry",
            "streaming",
            "admin",
            "stream",
            "get",
            "--stream-id",
            "ocid1.stream.oc1.local.unknown",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=90,
    )
    assert proc.returncode != 0
    assert (
        "NotAuthorizedOrNotFound" in proc.stderr
        and "Unknown stream ocid1.stream.oc1.local.unknown." in proc.stderr
    )
