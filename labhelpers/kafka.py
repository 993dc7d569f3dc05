"""Kafka client settings for a stream pool, the same on both targets: :func:`kafka_config`.

OCI Streaming speaks the Kafka protocol.  A **stream pool** is one Kafka cluster, its streams
are the topics, and a client signs in with SASL/PLAIN over TLS:

===================  ==================================================================
setting              where it comes from (both targets)
===================  ==================================================================
bootstrap.servers    the pool's ``kafkaSettings.bootstrapServers`` (GetStreamPool)
security.protocol    ``SASL_SSL`` (locally: what the stand-in's listener speaks)
sasl.mechanism       ``PLAIN``
sasl.username        ``<tenancy name>/<user name>/<pool OCID>``: the names from Identity
                     (GetTenancy, GetUser), the pool's OCID (``<tenancy>/<domain>/...``
                     for a user of an identity domain other than the default one)
sasl.password        an **auth token** of that user (CreateAuthToken; at most two per user)
ssl.ca.location      the CA bundle the OCI SDK trusts (``$REQUESTS_CA_BUNDLE``, else
                     certifi's); locally the stand-in's own CA, read from its health
===================  ==================================================================

:func:`kafka_config` returns a :class:`KafkaConfig`: a ``dict`` of exactly those librdkafka
keys, ready for ``confluent_kafka.Producer(conf)``, whose ``repr`` hides the token;
:meth:`KafkaConfig.kafka_python` (or :func:`to_kafka_python`) converts it for kafka-python.

The token is kept once, in a file only you can read, by :mod:`labhelpers.authtokens`.

The partitioners Kafka clients use by default are in :mod:`labhelpers.partitioners`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .authtokens import SavedToken, identity_client, save_token, saved_token
from .errors import AuthTokenMissing, KafkaConfigError, KafkaNotAvailable
from .redact import REDACTED
from .streams import find_stream

if TYPE_CHECKING:
    from .connect import Lab

__all__ = [
    "KafkaConfig",
    "kafka_config",
    "to_kafka_python",
]

#: librdkafka key -> kafka-python keyword.
KAFKA_PYTHON_KEYS = {
    "bootstrap.servers": "bootstrap_servers",
    "security.protocol": "security_protocol",
    "sasl.mechanism": "sasl_mechanism",
    "sasl.username": "sasl_plain_username",
    "sasl.password": "sasl_plain_password",
    "ssl.ca.location": "ssl_cafile",
}
SECRET_KEYS = {"sasl.password", "sasl_plain_password"}


# -- the settings ----------------------------------------------------------------------------------


class KafkaConfig(dict):
    """librdkafka settings (``bootstrap.servers`` ... ``ssl.ca.location``) for one stream pool.

    A plain ``dict`` for the client (``Producer(conf)``, ``Consumer({**conf, "group.id": g})``);
    its ``repr`` and HTML show ``sasl.password`` as ``[REDACTED]``.  ``pool_id``,
    ``tenancy_name``, ``user_name`` and ``domain`` are what the username is made of.

    >>> conf = KafkaConfig({"sasl.username": "t/u/ocid1.streampool.oc1..p", "sasl.password": "s3cr;t"},
    ...                    pool_id="ocid1.streampool.oc1..p", tenancy_name="t", user_name="u")
    >>> conf
    KafkaConfig({'sasl.username': 't/u/ocid1.streampool.oc1..p', 'sasl.password': '[REDACTED]'})
    >>> conf["sasl.password"], conf.username_parts()["user name"]
    ('s3cr;t', 'u')
    """

    def __init__(
        self,
        settings: Mapping[str, str],
        *,
        pool_id: str = "",
        tenancy_name: str = "",
        user_name: str = "",
        domain: str | None = None,
    ) -> None:
        super().__init__(settings)
        self.pool_id = pool_id
        self.tenancy_name = tenancy_name
        self.user_name = user_name
        self.domain = domain

    def shown(self) -> dict[str, str]:
        """The settings as they may be shown: the token replaced by ``[REDACTED]``."""
        return {k: (REDACTED if k in SECRET_KEYS else v) for k, v in self.items()}

    def __repr__(self) -> str:
        return f"KafkaConfig({self.shown()!r})"

    __str__ = __repr__

    def _repr_html_(self) -> str:
        import html

        rows = "".join(
            f"<tr><td><code>{html.escape(k)}</code></td><td><code>{html.escape(str(v))}</code></td></tr>"
            for k, v in self.shown().items()
        )
        return f"<table><tr><th>setting</th><th>value</th></tr>{rows}</table>"

    def username_parts(self) -> dict[str, str]:
        """What ``sasl.username`` is made of, in order: tenancy name, (domain,) user name, pool OCID."""
        parts = {"tenancy name": self.tenancy_name}
        if self.domain:
            parts["identity domain"] = self.domain
        parts["user name"] = self.user_name
        parts["stream pool OCID"] = self.pool_id
        return parts

    def kafka_python(self, **extra: Any) -> dict[str, Any]:
        """The same settings as kafka-python keywords (:func:`to_kafka_python`), plus ``extra``."""
        return to_kafka_python(self, **extra)


class _KafkaPythonSettings(dict):
    """kafka-python keywords whose ``repr`` hides the token (``KafkaProducer(**settings)``)."""

    def __repr__(self) -> str:
        return repr({k: (REDACTED if k in SECRET_KEYS else v) for k, v in self.items()})

    __str__ = __repr__


def to_kafka_python(conf: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """librdkafka settings as kafka-python keywords: ``KafkaProducer(**to_kafka_python(conf))``.

    ``bootstrap.servers`` becomes ``bootstrap_servers``, ``sasl.username`` and ``sasl.password``
    ``sasl_plain_username`` and ``sasl_plain_password``, ``ssl.ca.location`` ``ssl_cafile``
    (and so on: :data:`KAFKA_PYTHON_KEYS`); ``extra`` keywords are added as they are.

    >>> to_kafka_python({"bootstrap.servers": "h:9092", "sasl.password": "x"}, acks=1)
    {'bootstrap_servers': 'h:9092', 'sasl_plain_password': '[REDACTED]', 'acks': 1}
    """
    unknown = sorted(set(conf) - set(KAFKA_PYTHON_KEYS))
    if unknown:
        raise KafkaConfigError(
            f"to_kafka_python converts only {sorted(KAFKA_PYTHON_KEYS)}; pass {unknown} to "
            "kafka-python yourself, under its own names."
        )
    out = _KafkaPythonSettings({KAFKA_PYTHON_KEYS[k]: v for k, v in conf.items()})
    out.update(extra)
    return out


def kafka_config(
    lab: Lab,
    pool: Any = None,
    *,
    token: Any = None,
    domain: str | None = None,
) -> KafkaConfig:
    """Kafka client settings for ``pool`` on the lab's target, with a saved auth token.

    Parameters
    ----------
    lab : Lab
        From :func:`labhelpers.connect` (an API-key or session-token profile: SASL/PLAIN
        signs in as a user, with that user's auth token).
    pool : StreamPool, Stream, str or None
        The pool (a model from ``lab.admin`` or its OCID), or a stream whose pool to use;
        default: the pool of the lab's stream.
    token : AuthToken, str or None
        A token you just created (the ``create_auth_token`` answer, whose ``.token`` is shown
        only this once; it is saved with :func:`save_token`), or one you copied from the
        Console; default: the token saved earlier (:func:`saved_token`).
    domain : str, optional
        An identity domain's name, for a user outside the default domain:
        the username becomes ``<tenancy>/<domain>/<user>/<pool>``.

    Raises
    ------
    AuthTokenMissing
        No token given and none saved (the message says how to create one).
    KafkaNotAvailable
        The pool has no bootstrap servers (locally: the stand-in runs without its listener).
    KafkaConfigError
        The lab signs in without a user (instance or resource principal).
    """
    user_id = lab.config.get("user")
    if not user_id:
        raise KafkaConfigError(
            "Kafka clients sign in as a user with an auth token, and this lab signs in as an "
            "instance or resource principal. connect() with an API-key profile (LAB_AUTH=api_key)."
        )
    identity = identity_client(lab)
    if token is None:
        saved = saved_token(lab, identity)
        if saved is None:
            raise AuthTokenMissing(
                "No auth token saved for this user yet. Create one and pass it once: "
                "new = identity.create_auth_token(oci.identity.models.CreateAuthTokenDetails("
                "description='lab: Kafka clients'), lab.config['user']).data; "
                "kafka_config(lab, pool, token=new). (Or create it in the Console, Profile -> "
                "Auth tokens, and pass the string.) A user has at most two: delete an old one "
                "if CreateAuthToken says the limit is reached."
            )
    elif isinstance(token, SavedToken):
        saved = token
    else:
        saved = save_token(lab, token)
    pool_id = _pool_id(lab, pool)
    details = lab.admin.get_stream_pool(pool_id).data
    servers = getattr(details.kafka_settings, "bootstrap_servers", None)
    protocol, ca = _transport(lab)
    if not servers:
        raise KafkaNotAvailable(
            f"Stream pool {details.name} reports no Kafka bootstrap servers. "
            + (
                "The local stand-in runs without its Kafka listener: stop it "
                "(python -m localoci stop) and run connect() again, without --no-kafka."
                if lab.is_local
                else "Check the pool's Kafka settings in the Console (Stream pools -> Kafka "
                "connection settings)."
            )
        )
    tenancy_name = identity.get_tenancy(lab.config["tenancy"]).data.name
    user_name = identity.get_user(user_id).data.name
    domain = domain or os.environ.get("LAB_KAFKA_DOMAIN") or None
    username = "/".join(p for p in (tenancy_name, domain, user_name, pool_id) if p)
    settings = {
        "bootstrap.servers": servers,
        "security.protocol": protocol,
        "sasl.mechanism": "PLAIN",
        "sasl.username": username,
        "sasl.password": saved.value,
    }
    if protocol == "SASL_SSL":
        settings["ssl.ca.location"] = ca
    return KafkaConfig(
        settings,
        pool_id=pool_id,
        tenancy_name=tenancy_name,
        user_name=user_name,
        domain=domain,
    )


def _pool_id(lab: Lab, pool: Any) -> str:
    if pool is None:
        stream = find_stream(lab, lab.stream_name)
        if stream is None:
            raise KafkaConfigError(
                f"The lab stream {lab.stream_name!r} does not exist yet, so it has no pool to "
                "connect to: create it (get_or_create_stream(lab)) or pass pool=<pool OCID>."
            )
        return stream.stream_pool_id
    if isinstance(pool, str):
        if not pool.startswith("ocid1.streampool."):
            raise KafkaConfigError(
                f"pool should be a stream pool OCID (ocid1.streampool...), not {pool!r}."
            )
        return pool
    pool_id = getattr(pool, "stream_pool_id", None) or getattr(pool, "id", None)
    if not isinstance(pool_id, str) or not pool_id.startswith("ocid1.streampool."):
        raise KafkaConfigError(
            f"pool should be a StreamPool, a Stream or a pool OCID, not a {type(pool).__name__}."
        )
    return pool_id


def _transport(lab: Lab) -> tuple[str, str | None]:
    """``(security.protocol, ssl.ca.location)``: locally what the stand-in's listener says in
    its health, on OCI SASL_SSL with the CA bundle the SDK trusts."""
    if lab.local is None:
        return "SASL_SSL", os.environ.get("REQUESTS_CA_BUNDLE") or _certifi()
    health = lab.local.control.health(timeout=5.0) or {}
    kafka = health.get("kafka")
    if not isinstance(kafka, Mapping) or not kafka.get("bootstrapServers"):
        raise KafkaNotAvailable(
            "The local stand-in runs without its Kafka listener. Stop it (python -m localoci "
            "stop) and run connect() again: it starts one with the listener (no --no-kafka)."
        )
    return str(kafka.get("securityProtocol") or "SASL_SSL"), kafka.get("caFile")


def _certifi() -> str:
    import certifi

    return certifi.where()
