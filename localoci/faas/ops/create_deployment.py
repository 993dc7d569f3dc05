"""CreateDeployment: an API deployment on a gateway, ``CREATING`` with a work request, then
``ACTIVE``.

``gatewayId``, ``compartmentId``, ``pathPrefix`` (see :mod:`._gateways`) and a
``specification`` (see :mod:`._specification`) are required.  Prefixes are unique per
gateway (409 Conflict).  Its ``endpoint`` is the gateway's base URL plus ``pathPrefix``.
"""

from __future__ import annotations

from ... import errors
from ...ids import new_ocid
from ...ops._validate import get_str, get_tags, require_object
from ...ops.results import Created
from .. import models
from ..state import Faas
from ..store import Resource
from ._gateways import path_prefix, ready_at
from ._specification import validate_specification


def create_deployment(fx: Faas, body: object) -> Created:
    body = require_object(body, "CreateDeploymentDetails")
    gw_id = get_str(body, "gatewayId", required=True)
    compartment = fx.svc.check_compartment(get_str(body, "compartmentId", required=True))
    prefix = path_prefix(body.get("pathPrefix"))
    gw = fx.get("gateway", gw_id, "gateway")
    spec = validate_specification(fx, body.get("specification"))
    name = get_str(body, "displayName") or f"deployment{fx.now()}"
    doc = {
        "pathPrefix": prefix,
        "specification": spec,
        "freeformTags": get_tags(body, "freeformTags") or {},
        "definedTags": get_tags(body, "definedTags") or {},
    }
    now = fx.now()
    dep = Resource(
        new_ocid("apideployment"),
        "deployment",
        compartment,
        gw.id,
        name,
        "CREATING",
        now,
        now,
        ready_at(fx),
        doc,
    )
    with fx.tx():
        if any(d.doc["pathPrefix"] == prefix for d in fx.store.list("deployment", parent_id=gw.id)):
            raise errors.conflict(
                f"Gateway {gw.name} already has a deployment at {prefix}; choose another pathPrefix."
            )
        fx.store.insert(dep)
        wr = fx.work_request("CREATE_DEPLOYMENT", dep, "CREATED")
    dep = fx.settle(dep)
    return Created(models.deployment(dep, fx.deployment_endpoint(dep)), wr)
