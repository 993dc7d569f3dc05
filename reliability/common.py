"""Shared pieces of the reliability checks: servers, signed raw requests, results.

Every check is a function ``run(n=..., seed=..., workdir=...) -> Result``.  A result carries
its figures (printed by ``python -m reliability``, copied into RELIABILITY.md) and its
violations (each one a broken promise; the tests assert there are none).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import oci
import requests

from localoci import process

V = "/20180418"
NO_RETRY = oci.retry.NoneRetryStrategy()
Models = oci.streaming.models


@dataclass
class Result:
    name: str
    figures: dict = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.violations

    def fail(self, text: str) -> None:
        if len(self.violations) < 200:
            self.violations.append(text)
        else:
            self.figures["violations_dropped"] = self.figures.get("violations_dropped", 0) + 1

    def render(self) -> str:
        lines = [f"== {self.name}: {'OK' if self.ok else 'FAILED'} in {self.seconds:.1f} s"]
        for k, v in self.figures.items():
            lines.append(f"  {k}: {json.dumps(v, default=str) if not isinstance(v, str) else v}")
        for v in self.violations[:50]:
            lines.append(f"  VIOLATION: {v}")
        return "\n".join(lines)


@contextlib.contextmanager
def workdir(path: str | Path | None = None, prefix: str = "reliability-") -> Iterator[Path]:
    """A scratch directory, removed afterwards unless the caller gave one."""
    if path is not None:
        p = Path(path)
        p.mkdir(parents=True, exist_ok=True)
        yield p
        return
    p = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield p
    finally:
        shutil.rmtree(p, ignore_errors=True)


@contextlib.contextmanager
def server(data_dir: Path, *args: str) -> Iterator[process.ServerProcess]:
    """A localoci process, always stopped at the end."""
    s = process.start(data_dir, *args)
    try:
        yield s
    finally:
        s.stop()


def config_of(s) -> dict:
    return oci.config.from_file(s.config_file, s.profile)


def b64(data: str | bytes) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text)


def stream_client(s, timeout=(2, 10)) -> oci.streaming.StreamClient:
    return oci.streaming.StreamClient(
        config_of(s), service_endpoint=s.url, retry_strategy=NO_RETRY, timeout=timeout
    )


def admin_client(s) -> oci.streaming.StreamAdminClient:
    return oci.streaming.StreamAdminClient(
        config_of(s), service_endpoint=s.url, retry_strategy=NO_RETRY
    )


def create_stream(s, name: str, partitions: int, pool_id: str | None = None):
    admin = admin_client(s)
    cfg = config_of(s)
    details = Models.CreateStreamDetails(
        name=name,
        partitions=partitions,
        compartment_id=None if pool_id else cfg["tenancy"],
        stream_pool_id=pool_id,
    )
    stream = admin.create_stream(details).data
    for _ in range(500):
        stream = admin.get_stream(stream.id).data
        if stream.lifecycle_state == "ACTIVE":
            return stream
        time.sleep(0.02)
    raise RuntimeError("stream did not become ACTIVE")


def read_partition(client, stream_id: str, partition: int) -> list[tuple[int, bytes | None, bytes]]:
    """Every retained message of a partition: (offset, key, value)."""
    c = client.create_cursor(
        stream_id, Models.CreateCursorDetails(partition=str(partition), type="TRIM_HORIZON")
    ).data.value
    out = []
    while True:
        resp = client.get_messages(stream_id, c, limit=10000)
        if not resp.data:
            return out
        out += [(m.offset, unb64(m.key) if m.key else None, unb64(m.value)) for m in resp.data]
        c = resp.headers["opc-next-cursor"]


def unsigned(s, method: str, path: str, body: dict | None = None, timeout: float = 10) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        s.url + path, data=data, method=method, headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read() or b"{}")


def advance(s, seconds: float) -> dict:
    """Move the server's clock forward, through the control client (``s`` from ``process.start``)."""
    return s.control.advance(seconds)


def signer_of(s) -> oci.signer.Signer:
    cfg = config_of(s)
    return oci.signer.Signer(cfg["tenancy"], cfg["user"], cfg["fingerprint"], cfg["key_file"])


class Raw:
    """Raw HTTP against one localoci, signed with the SDK's own signer unless told otherwise."""

    def __init__(self, s, signer=None) -> None:
        self.s = s
        self.signer = signer or signer_of(s)
        self.session = requests.Session()

    def prepare(
        self,
        method: str,
        path: str,
        *,
        data: bytes | None = None,
        params=None,
        headers: dict | None = None,
        sign: bool | str = True,
    ) -> requests.PreparedRequest:
        """``sign``: True (SDK's header list for the method), "short" (PutMessages' list), False."""
        hdrs = {"content-type": "application/json", "accept": "application/json", **(headers or {})}
        if data is None and method.upper() in ("POST", "PUT"):
            data = b""
        req = requests.Request(method, self.s.url + path, data=data, params=params, headers=hdrs)
        prepared = self.session.prepare_request(req)
        if sign:
            (self.signer.without_content_headers if sign == "short" else self.signer)(prepared)
        return prepared

    def send(self, prepared, timeout: float = 30) -> requests.Response:
        return self.session.send(prepared, timeout=timeout)

    def request(self, method: str, path: str, **kw) -> requests.Response:
        timeout = kw.pop("timeout", 30)
        return self.send(self.prepare(method, path, **kw), timeout=timeout)


def rss_kb(pid: int) -> int:
    """Resident set size of a process, from /proc (no psutil needed)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default
