"""``python -m localoci kafka-config``: librdkafka-style settings for the local Kafka listener.

It asks the running server (``server.json``) where its listener is, then, through the OCI API
signed with the data directory's ``LOCAL`` profile, the tenancy's and user's names
(GetTenancy, GetUser), the pool (``--pool``, else the tenancy's ``DefaultPool``, made if
missing) and an auth token (CreateAuthToken).  OCI shows a token once and allows two per
user, so the token is kept in ``<data dir>/kafka-token.json`` (0600) and reused while
ListAuthTokens still lists it; a deleted one is replaced.

Formats: ``json`` (one object with the keys below), ``properties`` (``key=value`` lines, a
``kcat -F`` file), ``env`` (``export KAFKA_BOOTSTRAP_SERVERS=...`` lines).  Keys:
``bootstrap.servers``, ``security.protocol``, ``sasl.mechanism``, ``sasl.username``,
``sasl.password`` and, under SASL_SSL, ``ssl.ca.location``.
"""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path

import localctl

TOKEN_FILE = "kafka-token.json"


class ConfigError(RuntimeError):
    """kafka-config cannot give settings; the message names the fix."""


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)


def settings(data_dir: Path, pool: str | None = None) -> dict[str, str]:
    info = localctl.read_info(data_dir)
    if info is None or localctl.Control(info.control_url).health() is None:
        raise ConfigError(
            f"localoci is not running for {data_dir}. Start it: python -m localoci serve "
            f"--data-dir {data_dir}"
        )
    if info.kafka is None:
        raise ConfigError("this localoci runs without Kafka (--no-kafka); restart it without.")
    os.environ.update(info.client_env)  # region mode: realm, CA bundle, proxy (before oci)
    import oci

    cfg = oci.config.from_file(info.config_file, info.profile)
    endpoint = {} if info.region else {"service_endpoint": info.url}
    quick = {"retry_strategy": oci.retry.NoneRetryStrategy()}
    ident = oci.identity.IdentityClient(cfg, **endpoint, **quick)
    tenancy = ident.get_tenancy(cfg["tenancy"]).data.name
    user = ident.get_user(cfg["user"]).data.name
    if pool is None:
        pool = localctl.Control(info.control_url).call("POST", "/default-pool")["id"]
    token = _token(ident, oci, cfg["user"], Path(data_dir) / TOKEN_FILE)
    out = {
        "bootstrap.servers": info.kafka.bootstrap_servers,
        "security.protocol": info.kafka.security_protocol,
        "sasl.mechanism": info.kafka.sasl_mechanism,
        "sasl.username": f"{tenancy}/{user}/{pool}",
        "sasl.password": token,
    }
    if info.kafka.ca_file:
        out["ssl.ca.location"] = info.kafka.ca_file
    return out


def _token(ident, oci, user_id: str, path: Path) -> str:
    listed = {t.id for t in ident.list_auth_tokens(user_id).data if t.lifecycle_state == "ACTIVE"}
    try:
        kept = json.loads(path.read_text())
        if kept.get("user_id") == user_id and kept.get("id") in listed:
            return str(kept["token"])
    except (OSError, ValueError, AttributeError):
        pass
    if len(listed) >= 2:
        raise ConfigError(
            "the user already has two auth tokens (the most OCI allows) and kafka-config does "
            "not know their values. Delete one (oci iam auth-token delete, or Identity "
            "DeleteAuthToken) and run kafka-config again."
        )
    made = ident.create_auth_token(
        oci.identity.models.CreateAuthTokenDetails(description="localoci kafka-config"), user_id
    ).data
    _write_private(path, json.dumps({"user_id": user_id, "id": made.id, "token": made.token}))
    return made.token


def render(conf: dict[str, str], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(conf, indent=2)
    if fmt == "properties":
        return "".join(f"{k}={v}\n" for k, v in conf.items()).rstrip("\n")
    return "\n".join(
        f"export KAFKA_{k.upper().replace('.', '_')}={shlex.quote(v)}" for k, v in conf.items()
    )
