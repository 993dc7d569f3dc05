"""Replay the shapes of real 2018 exchanges with OCI Streaming against localoci.

The cassettes in ``recorded/`` beside this file (VCR YAML copied from oracle/oci-cli, their
licence in NOTICE and LICENSE.txt there; see their README) hold real requests to
``*.streaming.oci.oraclecloud.com`` and the service's real answers.  For each one this test sends the same request shape (method, path, query parameter
names, body fields) to localoci, substituting localoci's own ids, names and cursors, and
compares what can be compared across services: the status code, the presence of the
``opc-*`` response headers, and the JSON field names and value types (not the values).
They are part of the repository, so every clone runs this test."""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import oci
import pytest
import yaml

from tests.localoci.helpers import Raw, group_cursor, publish

RECORDED = Path(__file__).resolve().parent / "recorded"
OCI_HOST = re.compile(r"^[a-z0-9.-]+\.streaming\.oci\.oraclecloud\.com$")
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
HEADERS = ("opc-request-id", "opc-next-cursor", "opc-next-page")
# Fields that appeared after 2018 (stream pools): localoci may send them, the recordings cannot.
NEWER_FIELDS = {"streamPoolId"}
# Preview-era operations that no current SDK or CLI calls; localoci does not emulate them.
NOT_EMULATED = {
    "streamingConsumption": "ListStreamingConsumption was a preview API, gone from current SDKs"
}


def _cassettes() -> list[tuple[str, list[dict]]]:
    """(operation, [OCI interactions in recorded order]) per cassette."""
    out = []
    for path in sorted(RECORDED.glob("*.yml")):
        doc = yaml.safe_load(path.read_text())
        oci_ones = [
            it
            for it in doc["interactions"]
            if OCI_HOST.match(urlsplit(it["request"]["uri"]).hostname or "")
        ]
        if oci_ones:
            out.append((path.stem.removeprefix("streaming_test_"), oci_ones))
    return out


CASSETTES = _cassettes()  # none found: test_the_cassettes_cover_the_operations_the_lab_uses fails


def body_of(response: dict) -> object:
    raw = response["body"]["string"]
    if isinstance(raw, bytes):
        encoding = {k.lower(): v for k, v in response["headers"].items()}.get(
            "content-encoding", [""]
        )
        raw = gzip.decompress(raw) if "gzip" in encoding else raw
        raw = raw.decode()
    return json.loads(raw) if raw.strip() else None


def shape_diff(recorded: object, ours: object, where: str = "$") -> list[str]:
    """Differences in field names and value types between a recorded and a localoci JSON value."""
    if recorded is None or ours is None:
        return []  # null is allowed where the other side has a value (optional fields)
    if isinstance(recorded, bool) or isinstance(ours, bool):
        return (
            []
            if type(recorded) is type(ours)
            else [f"{where}: {type(recorded).__name__} vs {type(ours).__name__}"]
        )
    if isinstance(recorded, dict):
        if not isinstance(ours, dict):
            return [f"{where}: object vs {type(ours).__name__}"]
        if where.endswith(("Tags", "offsets")):  # free-form maps: keys are data, not fields
            return []
        problems = [f"{where}.{k}: missing in localoci" for k in recorded if k not in ours]
        problems += [
            f"{where}.{k}: not in the recording"
            for k in ours
            if k not in recorded and k not in NEWER_FIELDS
        ]
        for k in recorded:
            if k in ours:
                problems += shape_diff(recorded[k], ours[k], f"{where}.{k}")
        return problems
    if isinstance(recorded, list):
        if not isinstance(ours, list):
            return [f"{where}: array vs {type(ours).__name__}"]
        if recorded and ours:
            return shape_diff(recorded[0], ours[0], f"{where}[0]")
        return []
    if isinstance(recorded, int | float) and isinstance(ours, int | float):
        return (
            [] if isinstance(recorded, int) == isinstance(ours, int) else [f"{where}: int vs float"]
        )
    if type(recorded) is not type(ours):
        return [f"{where}: {type(recorded).__name__} vs {type(ours).__name__}"]
    if isinstance(recorded, str) and TS.match(recorded) and not TS.match(ours):
        return [f"{where}: timestamp format {ours!r} is not like {recorded!r}"]
    return []


class World:
    """localoci's stand-ins for the recording's stream, group, names and cursors."""

    def __init__(self, server) -> None:
        self.server = server
        self.admin = server.admin()
        self.client = server.stream_client()
        self.compartment = f"ocid1.compartment.oc1..recorded{os.getpid()}"
        self.name = "sdkInteg-replay"
        self.stream = self._stream(self.name)
        publish(
            self.client,
            self.stream.id,
            *[(f"messageKey-{i}", f"messageValue-{i}") for i in range(12)],
        )
        self.group = "sdkInteg-Group"
        group_cursor(self.client, self.stream.id, self.group, "instance-replay")
        # A second stream of the same name in another pool of the compartment: listing by name
        # then needs two pages of one, as the recorded listing had two pages.
        pool = self.admin.create_stream_pool(
            oci.streaming.models.CreateStreamPoolDetails(
                name="replay-pool", compartment_id=self.compartment
            )
        ).data
        self.twin = self.admin.create_stream(
            oci.streaming.models.CreateStreamDetails(
                name=self.name, partitions=1, stream_pool_id=pool.id
            )
        ).data
        self.next_page: str | None = None

    def _stream(self, name: str):
        s = self.admin.create_stream(
            oci.streaming.models.CreateStreamDetails(
                name=name, partitions=1, compartment_id=self.compartment
            )
        ).data
        return oci.wait_until(
            self.admin,
            self.admin.get_stream(s.id),
            "lifecycle_state",
            "ACTIVE",
            max_wait_seconds=10,
            max_interval_seconds=0.1,
        ).data

    def partition_cursor(self) -> str:
        return self.client.create_cursor(
            self.stream.id,
            oci.streaming.models.CreateCursorDetails(partition="0", type="TRIM_HORIZON"),
        ).data.value

    def pending_group_cursor(self) -> str:
        """A group cursor that carries delivered, uncommitted offsets (as the recorded commit's did)."""
        c = group_cursor(self.client, self.stream.id, "replay-commit", "i", commit_on_get=False)
        return self.client.get_messages(self.stream.id, c, limit=3).headers["opc-next-cursor"]

    def substitute(self, method: str, path: str, query: list[tuple[str, str]], body: object):
        parts = path.split("/")  # ['', '20180418', 'streams', '<id>', ...]
        if len(parts) > 3 and parts[2] == "streams":
            if method == "DELETE":
                parts[3] = self._stream(f"replay-delete-{os.getpid()}").id
            else:
                parts[3] = self.stream.id
            if len(parts) > 5 and parts[4] == "groups":
                parts[5] = self.group
        tail = parts[4] if len(parts) > 4 else ""
        new_query = []
        for k, v in query:
            if k == "cursor":
                v = (
                    self.pending_group_cursor()
                    if tail in ("commit", "heartbeat")
                    else self.partition_cursor()
                )
                if tail == "heartbeat":
                    v = group_cursor(self.client, self.stream.id, self.group, "instance-replay")
            elif k == "compartmentId":
                v = self.compartment
            elif k == "name":
                v = self.name
            elif k == "limit" and parts[-1] == "streams":
                v = "1"
            elif k == "page":
                v = self.next_page or ""
            new_query.append((k, v))
        if isinstance(body, dict):
            body = dict(body)
            if "compartmentId" in body:
                body["compartmentId"] = self.compartment
            if "name" in body:
                body["name"] = f"replay-created-{os.getpid()}"
            if tail == "groupCursors":
                body["groupName"] = self.group
        return "/".join(parts), new_query, body


@pytest.fixture(scope="module")
def world(localoci):
    return World(localoci)


@pytest.mark.parametrize("op, interactions", CASSETTES, ids=[op for op, _ in CASSETTES] or None)
def test_localoci_answers_the_recorded_requests_with_the_recorded_shapes(
    localoci, world, op, interactions
):
    for interaction in interactions:  # in recorded order: a second page follows the first
        replay(localoci, world, interaction)


def replay(localoci, world, interaction) -> None:
    req, rec = interaction["request"], interaction["response"]
    url = urlsplit(req["uri"])
    for marker, reason in NOT_EMULATED.items():
        if marker in url.path:
            pytest.skip(reason)
    body = json.loads(req["body"]) if req["body"] else None
    path, query, body = world.substitute(
        req["method"], url.path, parse_qsl(url.query, keep_blank_values=True), body
    )
    resp = Raw(localoci).request(
        req["method"],
        path,
        params=query or None,
        data=json.dumps(body) if body is not None else None,
        short=req["method"] == "POST" and path.endswith("/messages"),
    )
    what = f"{req['method']} {url.path}"
    assert resp.status_code == rec["status"]["code"], f"{what}: {resp.text}"
    recorded_headers = {k.lower() for k in rec["headers"]}
    for h in HEADERS:
        assert (h in recorded_headers) == (h in resp.headers), (
            f"{what}: header {h}: recorded {h in recorded_headers}, localoci {h in resp.headers}"
        )
    world.next_page = resp.headers.get("opc-next-page")
    if rec["status"]["code"] == 204:
        assert resp.content == b"" and "content-type" not in {k.lower() for k in resp.headers}
        return
    problems = shape_diff(body_of(rec), resp.json())
    assert not problems, what + "\n" + "\n".join(problems)


def test_the_cassettes_cover_the_operations_the_lab_uses():
    assert {op for op, _ in CASSETTES} >= {
        "put_messages",
        "get_messages",
        "create_cursor",
        "create_group_cursor",
        "consumer_commit",
        "get_group",
    }


def test_shape_comparison_catches_renamed_fields_wrong_types_and_time_formats():
    recorded = {"partition": "0", "offset": 3, "timestamp": "2018-11-30T01:34:15.928Z", "key": None}
    assert (
        shape_diff(
            recorded,
            {"partition": "0", "offset": 9, "timestamp": "2024-01-01T00:00:00.000Z", "key": "a2V5"},
        )
        == []
    )
    assert shape_diff(
        recorded,
        {"partition": 0, "offset": 3, "timestamp": "2024-01-01T00:00:00.000Z", "key": None},
    )
    assert shape_diff(
        recorded, {"partition": "0", "offset": 3, "timestamp": "2024-01-01T00:00:00Z", "key": None}
    )
    assert shape_diff(
        recorded, {"partition": "0", "offset": 3, "time": "2024-01-01T00:00:00.000Z", "key": None}
    )
    assert shape_diff([recorded], {"partition": "0"})
