"""CreateGateway: a gateway, ``CREATING`` with a work request, then ``ACTIVE``.

``compartmentId`` and ``endpointType`` (PUBLIC or PRIVATE) are required; ``subnetId`` is
optional here (required on OCI: localoci has no network).  Its ``hostname`` and base URL as in
:mod:`._gateways`; ``compartmentId`` must be a known compartment where
:meth:`~localoci.service.Service.check_compartment` says so.
"""

from __future__ import annotations

import secrets

from ...ids import new_ocid
from ...ops._validate import get_enum, get_str, get_tags, require_object
from ...ops.results import Created
from .. import models
from ..state import Faas
from ..store import Resource
from ._gateways import ready_at


def create_gateway(fx: Faas, body: object) -> Created:
    body = require_object(body, "CreateGatewayDetails")
    compartment = fx.svc.check_compartment(get_str(body, "compartmentId", required=True))
    endpoint_type = get_enum(body, "endpointType", ("PUBLIC", "PRIVATE"), required=True)
    name = get_str(body, "displayName") or f"gateway{fx.now()}"
    doc = {
        "endpointType": endpoint_type,
        "subnetId": get_str(body, "subnetId"),
        "networkSecurityGroupIds": body.get("networkSecurityGroupIds") or [],
        "hostKey": secrets.token_hex(6),
        "freeformTags": get_tags(body, "freeformTags") or {},
        "definedTags": get_tags(body, "definedTags") or {},
    }
    now = fx.now()
    gw = Resource(
        new_ocid("apigateway"),
        "gateway",
        compartment,
        None,
        name,
        "CREATING",
        now,
        now,
        ready_at(fx),
        doc,
    )
    with fx.tx():
        fx.store.insert(gw)
        wr = fx.work_request("CREATE_GATEWAY", gw, "CREATED")
    return Created(models.gateway(fx.settle(gw), fx.gateway_hostname(gw)), wr)
