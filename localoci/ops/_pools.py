"""Stream-pool rules shared by the stream and pool operations.

* Each compartment gets a ``DefaultPool`` on first use (Kafka auto-create off, 24 h, 1
  partition, as a real tenancy's); it cannot be deleted.
* A pool moves CREATING -> ACTIVE and DELETING -> DELETED after the server's ready delay.
* ``kafkaSettings``: ``autoCreateTopicsEnable`` true/false, ``logRetentionHours`` 24..168,
  ``numPartitions`` 1..200; other keys are ignored.
* Every pool has an ``etag``, new on each change (Create, Get and Update answer it); an
  ``if_match`` other than ``*`` on Update or Delete must equal it, else 412 NoEtagMatch.
"""

from __future__ import annotations

import uuid

from .. import errors
from ..ids import new_ocid
from ..service import DELETED_STATES, Service
from ..store import StreamPool

DEFAULT_KAFKA = {"autoCreateTopicsEnable": False, "logRetentionHours": 24, "numPartitions": 1}


def ensure_default_pool(svc: Service, compartment_id: str) -> StreamPool:
    """The compartment's DefaultPool (inside a transaction)."""
    pool = svc.store.default_pool(compartment_id)
    if pool is None:
        now = svc.clock.now_ms()
        pool = StreamPool(
            new_ocid("streampool"),
            compartment_id,
            "DefaultPool",
            True,
            "ACTIVE",
            now,
            now,
            dict(DEFAULT_KAFKA),
            etag=new_etag(),
        )
        svc.store.insert_pool(pool)
    return pool


def settle(svc: Service, pool: StreamPool) -> StreamPool:
    if (
        pool.lifecycle_state in ("CREATING", "UPDATING", "DELETING")
        and svc.clock.now_ms() >= pool.ready_at
    ):
        pool.lifecycle_state = "DELETED" if pool.lifecycle_state == "DELETING" else "ACTIVE"
        with svc.store.tx():
            svc.store.update_pool(pool)
    return pool


def find(svc: Service, pool_id: str) -> StreamPool:
    """The pool, settled; 404 if unknown."""
    pool = svc.store.find_pool(pool_id)
    if pool is None:
        raise errors.not_found("stream pool", pool_id)
    return settle(svc, pool)


def new_etag() -> str:
    return uuid.uuid4().hex


def live(svc: Service, pool_id: str, if_match: str | None = None) -> StreamPool:
    """The pool, which must not be DELETING or DELETED (404 otherwise) and must carry the
    etag ``if_match`` names (412 otherwise; ``*`` or None: any)."""
    pool = find(svc, pool_id)
    if pool.lifecycle_state in DELETED_STATES:
        raise errors.not_found("stream pool", pool_id)
    if if_match and if_match != "*" and if_match != pool.etag:
        raise errors.etag_mismatch(f"stream pool {pool.id}")
    return pool


def kafka_settings(body: dict) -> dict:
    ks = body.get("kafkaSettings")
    if ks is None:
        return dict(DEFAULT_KAFKA)
    if not isinstance(ks, dict):
        raise errors.invalid_parameter("'kafkaSettings' must be an object.")
    if ks.get("autoCreateTopicsEnable") is not None and not isinstance(
        ks["autoCreateTopicsEnable"], bool
    ):
        raise errors.invalid_parameter(
            "'kafkaSettings.autoCreateTopicsEnable' must be true or false."
        )
    for name, lo, hi in (("logRetentionHours", 24, 168), ("numPartitions", 1, 200)):
        value = ks.get(name)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi
        ):
            raise errors.invalid_parameter(
                f"'kafkaSettings.{name}' must be an integer from {lo} to {hi}; got {value!r}."
            )
    known = ("autoCreateTopicsEnable", "logRetentionHours", "numPartitions")
    return {**DEFAULT_KAFKA, **{k: ks[k] for k in known if ks.get(k) is not None}}
