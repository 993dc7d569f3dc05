"""Where a localoci lives: its data directory, and the ``server.json`` it writes there.

``server.json`` (written atomically by the server once it listens, removed when it stops)::

    {"url": "http://127.0.0.1:18730",                  the service endpoint (SDK, CLI)
     "control_url": "http://127.0.0.1:18730/_localoci", its own endpoints (health, clock, ...)
     "pid": 4242, "port": 18730, "host": "127.0.0.1",
     "config_file": ".../config", "profile": "LOCAL",    the OCI config it wrote for clients
     "limits": true, "auth": true,
     "region": null, "client_env": {},                  region mode only (below)
     "kafka": {"bootstrap_servers": "127.0.0.1:18792",  the Kafka listener (null when off)
               "security_protocol": "SASL_SSL",         or SASL_PLAINTEXT (--kafka-plaintext)
               "sasl_mechanism": "PLAIN",
               "ca_file": ".../tls/ca.pem"}}            null under SASL_PLAINTEXT

A server in region mode (``serve --as-region lab-1``) writes its admin endpoint as ``url``
(``https://streaming.lab-1.oci.lab.invalid``), its control side channel as ``control_url``
(a loopback port of its own), ``region``, and ``client_env``: what a client that knows nothing
of localoci needs in its environment (``OCI_REGION_METADATA``, ``REQUESTS_CA_BUNDLE``,
``HTTPS_PROXY``; ``python -m localoci env`` prints them as exports).

>>> info = ServerInfo(url="http://127.0.0.1:1", control_url="http://127.0.0.1:1/_localoci", pid=1,
...                   port=1, host="127.0.0.1", config_file="/d/config", profile="LOCAL")
>>> ServerInfo.from_json(info.to_json()) == info
True
>>> ServerInfo.from_json({**info.to_json(), "control_url": None}).control_url   # an older server.json
'http://127.0.0.1:1/_localoci'
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

SERVER_JSON = "server.json"
CONTROL_PATH = "/_localoci"


def default_data_dir() -> Path:
    """``$LOCALOCI_HOME``, else ``~/.localoci`` (``make lab`` sets ``.lab/localoci``)."""
    return Path(os.environ.get("LOCALOCI_HOME") or Path.home() / ".localoci").expanduser().resolve()


@dataclass(frozen=True)
class KafkaInfo:
    """Where the server's Kafka listener is and how to reach it (``server.json``'s ``kafka``).

    ``python -m localoci kafka-config`` turns it into client settings (with a username and an
    auth token)."""

    bootstrap_servers: str
    security_protocol: str  # SASL_SSL or SASL_PLAINTEXT
    sasl_mechanism: str = "PLAIN"
    ca_file: str | None = None  # the CA that signed its certificate (SASL_SSL)

    @classmethod
    def from_json(cls, doc: dict | None) -> KafkaInfo | None:
        if not doc:
            return None
        return cls(
            bootstrap_servers=str(doc["bootstrap_servers"]),
            security_protocol=str(doc["security_protocol"]),
            sasl_mechanism=str(doc.get("sasl_mechanism") or "PLAIN"),
            ca_file=doc.get("ca_file") or None,
        )


@dataclass(frozen=True)
class ServerInfo:
    url: str
    control_url: str
    pid: int
    port: int
    host: str
    config_file: str
    profile: str
    limits: bool = True
    auth: bool = True
    region: str | None = None  # the region identifier in region mode, else None
    client_env: dict[str, str] = field(default_factory=dict)
    kafka: KafkaInfo | None = None  # None: no Kafka listener (serve --no-kafka)
    data_dir: Path | None = field(default=None, compare=False)  # where it was read from

    def to_json(self) -> dict:
        doc = asdict(self)
        doc.pop("data_dir")
        return doc

    @classmethod
    def from_json(cls, doc: dict, data_dir: Path | None = None) -> ServerInfo:
        url = str(doc["url"]).rstrip("/")
        return cls(
            url=url,
            control_url=str(doc.get("control_url") or url + CONTROL_PATH).rstrip("/"),
            pid=int(doc["pid"]),
            port=int(doc["port"]),
            host=str(doc.get("host", "127.0.0.1")),
            config_file=str(doc["config_file"]),
            profile=str(doc["profile"]),
            limits=bool(doc.get("limits", True)),
            auth=bool(doc.get("auth", True)),
            region=doc.get("region") or None,
            client_env={str(k): str(v) for k, v in (doc.get("client_env") or {}).items()},
            kafka=KafkaInfo.from_json(doc.get("kafka")),
            data_dir=data_dir,
        )


def read_info(data_dir: Path) -> ServerInfo | None:
    """The ``server.json`` of ``data_dir``, or None (none there, or not one a server wrote)."""
    try:
        return ServerInfo.from_json(
            json.loads((Path(data_dir) / SERVER_JSON).read_text()), Path(data_dir)
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_info(data_dir: Path, info: ServerInfo) -> Path:
    """Write ``server.json`` atomically (readers never see half a file)."""
    path = Path(data_dir) / SERVER_JSON
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(info.to_json(), indent=2))
    tmp.replace(path)
    return path


def remove_info(data_dir: Path, pid: int) -> None:
    """Remove ``server.json`` if the server ``pid`` wrote it (a newer server's stays)."""
    current = read_info(data_dir)
    if current is not None and current.pid == pid:
        (Path(data_dir) / SERVER_JSON).unlink(missing_ok=True)
