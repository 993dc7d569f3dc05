"""DeleteGateway: a gateway with deployments cannot be deleted (409 Conflict); otherwise it is
gone at once (404 after) and the wire answers 202 with the work request."""

from __future__ import annotations

from ... import errors
from ...ops.results import Accepted
from ..state import Faas


def delete_gateway(fx: Faas, gw_id: str) -> Accepted:
    gw = fx.get("gateway", gw_id)
    if fx.store.list("deployment", parent_id=gw.id):
        raise errors.conflict(f"Gateway {gw.name} still has deployments; delete them first.")
    with fx.tx():
        wr = fx.work_request("DELETE_GATEWAY", gw, "DELETED")
        fx.store.delete(gw.id)
    return Accepted(wr)
