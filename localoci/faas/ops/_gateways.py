"""Rules shared by the gateway and deployment operations.

* A gateway gets a random key.  In region mode its ``hostname`` is
  ``<key>.apigateway.<region>.oci.<domain>`` and its deployments answer at
  ``https://<hostname>/<pathPrefix>/...``, as on OCI; locally the ``hostname`` is localoci's
  ``host:port`` and the base URL ``<localoci>/_gateway/<key>`` stands for ``https://<hostname>``
  (:meth:`~localoci.faas.state.Faas.gateway_endpoint`).
* Gateways and deployments are ``CREATING``/``UPDATING`` for the server's ready delay, then
  ``ACTIVE``; each change records an API Gateway work request.
* A deployment's ``pathPrefix`` looks like ``/v1`` (a leading ``/``, no trailing ``/``).
"""

from __future__ import annotations

import re

from ... import errors
from ..state import Faas

_PREFIX = re.compile(r"^(/[A-Za-z0-9._~\-]+)+$")


def ready_at(fx: Faas) -> int:
    return fx.now() + fx.svc.config.ready_delay_ms


def path_prefix(value: object) -> str:
    if not isinstance(value, str) or not _PREFIX.match(value):
        raise errors.invalid_parameter(
            f"'pathPrefix' must look like /v1 (a leading '/', no trailing '/'); got {value!r}."
        )
    return value
