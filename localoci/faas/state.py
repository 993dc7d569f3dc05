"""The faas part of one localoci process: its store, its function runtime, shared rules."""

from __future__ import annotations

import hashlib
import uuid

from .. import errors
from ..service import Service
from .runtime import Runtime
from .store import FaasStore, Resource

GATEWAY_MOUNT = "/_gateway"


class Faas:
    def __init__(self, svc: Service) -> None:
        self.svc = svc
        self.store = FaasStore(svc.store)
        self.runtime = Runtime(svc)

    def now(self) -> int:
        return self.svc.clock.now_ms()

    def tx(self):
        return self.svc.store.tx()

    @property
    def base_url(self) -> str:
        return self.svc.base_url

    # -- lookups ---------------------------------------------------------------------------

    def settle(self, r: Resource) -> Resource:
        if r.state in ("CREATING", "UPDATING") and self.now() >= r.ready_at:
            r.state = "ACTIVE"
            with self.tx():
                self.store.update(r)
        return r

    def get(self, kind: str, rid: str | None, what: str | None = None) -> Resource:
        """The resource, settled; 404 if it is missing (or ``rid`` is: a parent never set)."""
        r = self.store.find(kind, rid) if rid else None
        if r is None:
            raise errors.not_found(what or kind, rid or "(none)")
        return self.settle(r)

    def gateway_hostname(self, gw: Resource) -> str:
        """A gateway's ``hostname``: its own name in region mode
        (``<key>.apigateway.<region>.oci.<domain>``); locally localoci's ``host:port``."""
        realm = self.svc.realm
        if realm is not None:
            return realm.gateway_host(gw.doc["hostKey"])
        return self.base_url.split("://", 1)[-1]

    def gateway_endpoint(self, gw: Resource) -> str:
        """A gateway's base URL: ``https://<hostname>`` in region mode, as on OCI; locally
        ``<localoci>/_gateway/<key>``."""
        realm = self.svc.realm
        if realm is not None:
            return realm.url(self.gateway_hostname(gw))
        return f"{self.base_url}{GATEWAY_MOUNT}/{gw.doc['hostKey']}"

    def invoke_endpoint(self, fn: Resource) -> str:
        """A function's ``invokeEndpoint``: in region mode a hostname of its application's
        (``<key>.<region>.functions.oci.<domain>``, as OCI's); locally localoci's URL."""
        realm = self.svc.realm
        if realm is None:
            return self.base_url
        key = hashlib.sha256((fn.parent_id or fn.id).encode()).hexdigest()[:12]
        return realm.url(realm.invoke_host(key))

    def deployment_endpoint(self, dep: Resource) -> str:
        gw = self.store.find("gateway", dep.parent_id) if dep.parent_id else None
        base = self.gateway_endpoint(gw) if gw else self.base_url
        return base + dep.doc["pathPrefix"]

    def work_request(self, op: str, r: Resource, action: str) -> str:
        """Record an API Gateway work request for ``r`` (inside a transaction); return its id."""
        wr_id = "ocid1.apigatewayworkrequest.oc1.local." + uuid.uuid4().hex
        now = self.now()
        self.store.insert_work_request(
            {
                "id": wr_id,
                "operation_type": op,
                "compartment_id": r.compartment_id,
                "resource_id": r.id,
                "entity_type": r.kind,
                "action_type": action,
                "time_accepted": now,
                "done_at": max(now, r.ready_at),
            }
        )
        return wr_id
