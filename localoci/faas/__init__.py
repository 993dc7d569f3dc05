"""localoci's stand-ins for OCI Functions and API Gateway (see ``COVERAGE.md``).

* Functions management (applications, functions) and InvokeFunction, API versions 20181201
  and 20260325, through the official ``FunctionsManagementClient`` / ``FunctionsInvokeClient``;
  a function's image is its source directory, run warm through the Python FDK with
  resource-principal credentials (:mod:`.runtime`).
* API Gateway management (gateways, deployments, work requests; 20190501) through the official
  ``GatewayClient`` / ``DeploymentClient`` / ``WorkRequestsClient``, and the deployments'
  endpoints at ``<localoci>/_gateway/<key>/<pathPrefix>/...`` (:mod:`.gateway`).
* :mod:`.spec`: the hello deployment specification, shared with the OCI target.

Importing this package is cheap and never imports ``fdk``; :func:`install` wires it into a
server.
"""

from __future__ import annotations


def install(app, svc) -> None:
    """Add the faas routes and the gateway mount to a localoci dispatcher."""
    from .gateway import GatewayApp
    from .routes import build_routes
    from .state import GATEWAY_MOUNT, Faas

    fx = Faas(svc)
    svc.extensions["faas"] = fx
    app.add(build_routes(fx))
    app.mount(GATEWAY_MOUNT + "/", GatewayApp(fx))

    async def on_shutdown() -> None:
        fx.runtime.stop_all()

    def on_reset() -> None:
        fx.runtime.stop_all()
        with svc.store.tx():
            fx.store.clear()

    svc.extensions.setdefault("shutdown", []).append(on_shutdown)
    svc.extensions.setdefault("reset", []).append(on_reset)
