"""localoci's stand-ins for OCI Functions and API Gateway (see ``COVERAGE.md``).

* Functions management (applications, functions) and InvokeFunction, API versions 20181201
  and 20260325, through the official ``FunctionsManagementClient`` / ``FunctionsInvokeClient``;
  a function's image is its source directory, run warm through the Python FDK with
  resource-principal credentials (:mod:`.runtime`).
* API Gateway management (gateways, deployments, work requests; 20190501) through the official
  ``GatewayClient`` / ``DeploymentClient`` / ``WorkRequestsClient``, and the deployments'
  endpoints at ``<localoci>/_gateway/<key>/<pathPrefix>/...`` locally, at
  ``https://<gateway hostname>/<pathPrefix>/...`` in region mode (:mod:`.gateway`).
* :mod:`.spec`: the hello deployment specification, shared with the OCI target.

The same three layers as the rest of localoci: wire (:mod:`.routes`, :mod:`.gateway`) ->
operations (:mod:`.ops`, one module per action) -> store (:mod:`.store`, ``schema.sql``),
with :mod:`.state` (the :class:`~.state.Faas` one process serves) and :mod:`.runtime` (the
function processes) beside the operations.

Importing this package is cheap and never imports ``fdk``; :func:`install` wires it into a
server.
"""

from __future__ import annotations


def install(app, svc) -> None:
    """Add the faas routes and the gateway mount to a localoci dispatcher, and register the
    hooks that stop function processes on shutdown and reset (``svc.lifecycle``)."""
    from .gateway import GatewayApp
    from .routes import build_routes
    from .state import GATEWAY_MOUNT, Faas

    fx = Faas(svc)
    svc.faas = fx
    app.add(build_routes(fx))
    if svc.realm is not None:
        app.mount_host("gateway", GatewayApp(fx))  # https://<gateway hostname>/...
    else:
        app.mount(GATEWAY_MOUNT + "/", GatewayApp(fx))

    async def stop_functions() -> None:
        fx.runtime.stop_all()

    def forget_everything() -> None:
        fx.runtime.stop_all()
        with svc.store.tx():
            fx.store.clear()

    svc.lifecycle.on_shutdown.append(stop_functions)
    svc.lifecycle.on_reset.append(forget_everything)
