"""GetWorkRequest (API Gateway): one work request, IN_PROGRESS until its resource is ACTIVE,
then SUCCEEDED; 404 if unknown."""

from __future__ import annotations

from ... import errors
from .. import models
from ..state import Faas


def get_api_gateway_work_request(fx: Faas, wr_id: str) -> dict:
    row = fx.store.find_work_request(wr_id)
    if row is None:
        raise errors.not_found("work request", wr_id)
    return models.work_request(row, fx.now())
