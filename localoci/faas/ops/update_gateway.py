"""UpdateGateway: rename a gateway or change its tags; the wire answers 202 with the work
request."""

from __future__ import annotations

from ...ops._validate import get_str, get_tags, require_object
from ...ops.results import Accepted
from ..state import Faas


def update_gateway(fx: Faas, gw_id: str, body: object) -> Accepted:
    body = require_object(body, "UpdateGatewayDetails")
    gw = fx.get("gateway", gw_id)
    if get_str(body, "displayName"):
        gw.name = body["displayName"]
    for tag in ("freeformTags", "definedTags"):
        if get_tags(body, tag) is not None:
            gw.doc[tag] = body[tag]
    gw.time_updated = fx.now()
    with fx.tx():
        fx.store.update(gw)
        return Accepted(fx.work_request("UPDATE_GATEWAY", gw, "UPDATED"))
