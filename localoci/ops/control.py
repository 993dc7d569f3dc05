"""localoci's own operations, behind ``/_localoci/`` (not OCI API actions; learners never need
them, widgets and tests do): health, the controllable clock, statistics, reset, shutdown.

Rules:

* The clock only moves forward: ``advanceSeconds`` is a number from 0 to ten years; moving it
  runs retention at once (messages and unused groups past their stream's retention go).
* Reset forgets every stream, pool, group, work request and Functions/API Gateway resource,
  and stops function processes; the keys, the server's secret and the clock stay.
* Shutdown works only for a service that a server process serves (409 otherwise).
* A region (``serve --as-region``) runs on the real clock: advancing it is 409 Conflict.  Its
  control endpoints are on a loopback side channel, never on the region's hostnames.
* ``POST /users`` registers a user of the local tenancy with an RSA public key
  (:func:`localoci.bootstrap.add_user`), for a config profile other than ``LOCAL``.
"""

from __future__ import annotations

import os

from .. import __version__, errors
from ..bootstrap import add_user as _add_user
from ..service import Service
from ..timefmt import format_ms


def health(svc: Service) -> dict:
    return {
        "status": "ok",
        "version": __version__,
        "pid": os.getpid(),
        "url": svc.base_url,
        "dataDir": str(svc.data_dir),
        "limits": svc.limits.enabled,
        "auth": svc.config.auth,
        "now": format_ms(svc.clock.now_ms()),
        "region": svc.realm.region if svc.realm is not None else None,
        "messagesEndpoint": svc.messages_endpoint(),
        "kafka": svc.kafka_info,
    }


def get_clock(svc: Service) -> dict:
    return {"now": format_ms(svc.clock.now_ms()), "offsetMs": svc.clock.offset_ms}


def advance_clock(svc: Service, body: object) -> dict:
    seconds = body.get("advanceSeconds") if isinstance(body, dict) else None
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, int | float)
        or not 0 <= seconds <= 10 * 365 * 86400
    ):
        raise errors.invalid_parameter(
            'Send {"advanceSeconds": N} with N >= 0: the clock only moves forward.'
        )
    now = svc.advance_clock(float(seconds))
    return {"now": format_ms(now), "offsetMs": svc.clock.offset_ms}


def reset(svc: Service) -> dict:
    svc.reset()
    return {"status": "reset"}


def stats(svc: Service) -> dict:
    per_stream = {
        s.id: {
            "name": s.name,
            "lifecycleState": s.lifecycle_state,
            "partitions": {
                str(o.partition): {"nextOffset": o.next_offset, "trimOffset": o.trim_offset}
                for o in svc.store.partition_offsets(s.id)
            },
        }
        for s in svc.store.all_streams()
    }
    return {"counters": dict(sorted(svc.stats.items())), "streams": per_stream}


def shutdown(svc: Service) -> dict:
    stop = svc.lifecycle.stop
    if stop is None:
        raise errors.conflict("This localoci was not started as a server process.")
    stop()
    return {"status": "stopping"}


def add_user(svc: Service, body: object) -> dict:
    if not isinstance(body, dict):
        raise errors.invalid_parameter('Send {"name": "<user name>", "publicKey": "<PEM>"}.')
    added = _add_user(svc, body.get("name"), body.get("publicKey"))
    return {
        "tenancy": added.tenancy,
        "tenancyName": added.tenancy_name,
        "user": added.user,
        "userName": added.user_name,
        "fingerprint": added.fingerprint,
        "region": added.region,
    }


def default_pool(svc: Service) -> dict:
    """The tenancy's DefaultPool (made if missing): the pool ``kafka-config`` names."""
    from ._pools import ensure_default_pool

    tenancy = svc.store.meta_get("tenancy_id") or ""
    with svc.store.tx():
        pool = ensure_default_pool(svc, tenancy)
    return {"id": pool.id, "compartmentId": pool.compartment_id, "name": pool.name}
