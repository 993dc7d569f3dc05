"""What every benchmark shares: the table row, temporary folders, SDK clients and streams."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import oci

ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024


@dataclass
class Row:
    name: str
    measured: str
    ratio: float | None
    target: str
    met: bool | None

    @property
    def ratio_text(self) -> str:
        return "" if self.ratio is None else f"{self.ratio:.2f}"


def _tmp(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"bench-{prefix}-"))


def _config(server) -> dict:
    return oci.config.from_file(server.config_file, server.profile)


def _stream(server, partitions: int = 1, name: str = "bench"):
    admin = oci.streaming.StreamAdminClient(_config(server), service_endpoint=server.url)
    cfg = _config(server)
    s = admin.create_stream(
        oci.streaming.models.CreateStreamDetails(
            name=name, partitions=partitions, compartment_id=cfg["tenancy"]
        )
    ).data
    while admin.get_stream(s.id).data.lifecycle_state != "ACTIVE":
        time.sleep(0.01)
    return s


def _client(server, endpoint=None, config=None):
    return oci.streaming.StreamClient(
        config or _config(server),
        service_endpoint=endpoint or server.url,
        retry_strategy=oci.retry.NoneRetryStrategy(),
    )
