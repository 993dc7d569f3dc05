"""localoci's Identity stand-in: what the lab needs of OCI Identity (see ``COVERAGE.md``).

Through the official ``oci.identity.IdentityClient`` (API version 20160918), signed and
verified like every other route:

* the tenancy (GetTenancy) and its users (GetUser, ListUsers); the local tenancy and its user
  are made at first start (:mod:`localoci.bootstrap`), with names as well as OCIDs;
* compartments (GetCompartment, ListCompartments, CreateCompartment): the tenancy is the root
  compartment; streams, stream pools, applications and gateways honour them
  (:meth:`localoci.service.Service.check_compartment`);
* auth tokens (CreateAuthToken, ListAuthTokens, UpdateAuthToken, DeleteAuthToken), stored
  salted and hashed; :meth:`.store.IdentityStore.verify_auth_token` is what the Kafka
  listener's SASL/PLAIN check asks, with :meth:`~.store.IdentityStore.tenancy_by_name` and
  :meth:`~.store.IdentityStore.user_by_name`.

The same layers as the rest of localoci: wire (:mod:`.routes`) -> operations (:mod:`.ops`, one
module per action) -> store (:mod:`.store`, ``schema.sql``), with :mod:`.models` (wire shapes)
beside the operations.  The store is part of every :class:`~localoci.service.Service`
(``svc.identity``); :func:`install` adds the routes to a server.
"""

from __future__ import annotations


def install(app) -> None:
    """Add the Identity routes to a localoci dispatcher."""
    from .routes import ROUTES

    app.add(ROUTES)
