"""CreateApplication: an application (a function's parent), ``ACTIVE`` at once.

``compartmentId`` and ``displayName`` are required; the name is unique in its compartment (409
Conflict).  ``subnetIds`` (an array of strings) is kept; ``config`` as in :mod:`._functions`.
"""

from __future__ import annotations

from ... import errors
from ...ids import new_ocid
from ...ops._validate import get_str, get_tags, require_object
from .. import models
from ..state import Faas
from ..store import Resource
from ._functions import get_config


def create_application(fx: Faas, body: object) -> dict:
    body = require_object(body, "CreateApplicationDetails")
    compartment = fx.svc.check_compartment(get_str(body, "compartmentId", required=True))
    name = get_str(body, "displayName", required=True)
    subnets = body.get("subnetIds") or []
    if not isinstance(subnets, list) or not all(isinstance(s, str) for s in subnets):
        raise errors.invalid_parameter("'subnetIds' must be an array of subnet OCIDs.")
    doc = {
        "config": get_config(body) or {},
        "subnetIds": subnets,
        "shape": get_str(body, "shape") or "GENERIC_X86",
        "syslogUrl": get_str(body, "syslogUrl"),
        "freeformTags": get_tags(body, "freeformTags") or {},
        "definedTags": get_tags(body, "definedTags") or {},
    }
    now = fx.now()
    with fx.tx():
        if any(a.name == name for a in fx.store.list("application", compartment_id=compartment)):
            raise errors.conflict(
                f"An application named {name!r} already exists in this compartment."
            )
        app = Resource(
            new_ocid("fnapp"), "application", compartment, None, name, "ACTIVE", now, now, now, doc
        )
        fx.store.insert(app)
    return models.application(app)
