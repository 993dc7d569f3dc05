"""UpdateDeployment: a new specification (validated as on create; the deployment is
``UPDATING`` for the ready delay, serving on), a new name or tags.  The wire answers 202 with
the work request."""

from __future__ import annotations

from ...ops._validate import get_str, get_tags, require_object
from ...ops.results import Accepted
from ..state import Faas
from ._gateways import ready_at
from ._specification import validate_specification


def update_deployment(fx: Faas, dep_id: str, body: object) -> Accepted:
    body = require_object(body, "UpdateDeploymentDetails")
    dep = fx.get("deployment", dep_id)
    if body.get("specification") is not None:
        dep.doc["specification"] = validate_specification(fx, body["specification"])
        dep.state, dep.ready_at = "UPDATING", ready_at(fx)
    if get_str(body, "displayName"):
        dep.name = body["displayName"]
    for tag in ("freeformTags", "definedTags"):
        if get_tags(body, tag) is not None:
            dep.doc[tag] = body[tag]
    dep.time_updated = fx.now()
    with fx.tx():
        fx.store.update(dep)
        return Accepted(fx.work_request("UPDATE_DEPLOYMENT", dep, "UPDATED"))
