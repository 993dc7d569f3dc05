"""GetCompartment: one compartment (the tenancy's own OCID gives the root compartment); 404 if
unknown."""

from __future__ import annotations

from ...service import Service
from .. import models
from ._identity import compartment


def get_compartment(svc: Service, compartment_id: str) -> dict:
    return models.compartment(compartment(svc, compartment_id))
