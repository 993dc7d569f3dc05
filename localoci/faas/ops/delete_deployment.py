"""DeleteDeployment: the deployment is gone at once (its endpoint answers 404, GetDeployment
too); the wire answers 202 with the work request."""

from __future__ import annotations

from ...ops.results import Accepted
from ..state import Faas


def delete_deployment(fx: Faas, dep_id: str) -> Accepted:
    dep = fx.get("deployment", dep_id)
    with fx.tx():
        wr = fx.work_request("DELETE_DEPLOYMENT", dep, "DELETED")
        fx.store.delete(dep.id)
    return Accepted(wr)
