"""CreateCompartment: a compartment inside another (the tenancy or one of its compartments).

* ``compartmentId`` (the parent; unknown: 404), ``name`` and ``description`` are required;
  ``freeformTags``/``definedTags`` optional.
* ``name``: 1..100 characters of letters, digits, ``.``, ``_`` and ``-``; unique among the
  parent's compartments: 409 CompartmentAlreadyExists ("A compartment with name 'x' already
  exists.", as OCI answers).  ``description``: 1..400 characters.
* The compartment is ACTIVE at once (OCI takes a moment and may answer 404 to a GetCompartment
  right after; nothing here waits).  Answers the compartment with an etag.
"""

from __future__ import annotations

import re

from ... import errors
from ...ids import new_ocid
from ...ops._validate import get_str, get_tags, require_object
from ...ops.results import Fetched
from ...service import Service
from .. import models
from ..store import Compartment
from ._identity import compartment

_NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")


def create_compartment(svc: Service, body: object) -> Fetched:
    body = require_object(body, "CreateCompartmentDetails")
    parent_id = get_str(body, "compartmentId", required=True)
    name = get_str(body, "name", required=True, max_len=100)
    description = get_str(body, "description", required=True, max_len=400)
    assert parent_id is not None and name is not None and description is not None
    if not _NAME.match(name):
        raise errors.invalid_parameter(
            f"'name' may hold letters, digits, '.', '_' and '-' (1..100); got {name!r}."
        )
    parent = compartment(svc, parent_id)
    with svc.store.tx():
        if svc.identity.child_named(parent.id, name) is not None:
            raise errors.OciError(
                409, "CompartmentAlreadyExists", f"A compartment with name '{name}' already exists."
            )
        c = Compartment(
            new_ocid("compartment", regional=False),
            parent.id,
            parent.tenancy_id,
            name,
            description,
            "ACTIVE",
            svc.clock.now_ms(),
            get_tags(body, "freeformTags") or {},
            get_tags(body, "definedTags") or {},
        )
        svc.identity.insert_compartment(c)
    return Fetched(models.compartment(c), f"{c.id}-{c.time_created}")
